//! The test harness: real PostgreSQL, the simulator over real HTTP, the real client and jobs.

pub mod app;
pub mod db_proxy;
pub mod mirror;
mod process;
pub mod queue;
pub mod roles;
pub mod test_db;

pub use app::TestApp;
pub use process::Process;
pub use test_db::TestDb;
