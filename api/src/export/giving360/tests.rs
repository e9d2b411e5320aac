//! Unit tests of the 360Giving mapping.
