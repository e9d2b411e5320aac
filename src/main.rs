//! The `commtrack` binary: everything lives in the `api` crate.

/// jemalloc rather than the system allocator: under load the server spends
/// a fifth of its time in glibc's malloc and free (bench/README.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    api::cli::run()
}
