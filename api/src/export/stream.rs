//! A response body written by a blocking writer: a national OCDS package
//! runs to hundreds of megabytes, so it is sent as it is written, in chunks,
//! rather than held whole in memory. The body starts once the export has
//! been checked (refusals keep their status); a failure after that can only
//! cut the body short, and is logged.

use std::io::{self, Write};

use axum::body::{Body, Bytes};
use tokio::sync::mpsc;

use crate::error::AppError;

/// How much is written before a chunk is sent.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting to be sent before the writer waits for the client.
const QUEUED: usize = 8;

/// A `Write` that sends its bytes to a channel in chunks.
struct ChannelWriter {
    sender: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

/// A body that `write` fills on a blocking thread; an error ends the body
/// early (the client sees a truncated response, never a wrong one).
pub fn body(write: impl FnOnce(&mut dyn Write) -> Result<(), AppError> + Send + 'static) -> Body {
    let (sender, receiver) = mpsc::channel(QUEUED);
    let errors = sender.clone();
    tokio::task::spawn_blocking(move || {
        let mut writer = ChannelWriter {
            sender,
            buffer: Vec::with_capacity(CHUNK),
        };
        let written = write(&mut writer).and_then(|()| writer.flush().map_err(AppError::internal));
        if written.is_err() {
            let _ = errors.blocking_send(Err(io::Error::other("the export failed")));
        }
    });
    let chunks = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Body::from_stream(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_body_is_what_was_written_in_order() {
        let text: String = (0..20_000).map(|i| format!("{i},")).collect();
        let expected = text.clone();
        let body = body(move |out| {
            for piece in text.as_bytes().chunks(1000) {
                out.write_all(piece).map_err(AppError::internal)?;
            }
            Ok(())
        });
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        assert_eq!(bytes, expected.as_bytes());
    }

    #[tokio::test]
    async fn a_failure_cuts_the_body_short() {
        let body = body(|out| {
            out.write_all(&[b'x'; 3 * CHUNK])
                .map_err(AppError::internal)?;
            Err(AppError::internal("stored data broke a rule"))
        });
        assert!(axum::body::to_bytes(body, usize::MAX).await.is_err());
    }
}
