//! The Zoom simulator: an HTTP server that behaves like Zoom for everything the client uses.
//! The production path never calls it.

pub mod cli;
