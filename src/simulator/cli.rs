//! `zoom-mirror simulate` (placeholder until the simulator lands in this session).

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {}
