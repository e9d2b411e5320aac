//! Unit tests of the OCDS mapping.
