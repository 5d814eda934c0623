//! `zoom-mirror queue retry|cancel ID`: the operator's hands on the write-back queue.

use std::process::ExitCode;

use zoom_mirror::cli::QueueCommand;
use zoom_mirror::config::Config;
use zoom_mirror::db::{self, queue_operator, queue_operator::Operated};

pub async fn queue(config: &Config, command: QueueCommand) -> anyhow::Result<ExitCode> {
    let pool = db::pool(&super::database(config)?, 1)?;
    let mut conn = db::connection(&pool).await?;
    let (id, done, doubt, allowed, operated) = match command {
        QueueCommand::Retry { id } => (
            id,
            "is pending again and runs now",
            "it was in doubt: its next attempt calls Zoom without looking for an earlier \
             attempt's effect first",
            "failed or cancelled",
            queue_operator::retry(&mut conn, id).await?,
        ),
        QueueCommand::Cancel { id } => (
            id,
            "is cancelled",
            "an earlier attempt may have reached Zoom: check whether the change happened",
            "pending",
            queue_operator::cancel(&mut conn, id).await?,
        ),
    };
    match operated {
        Operated::Done { in_doubt } => {
            println!("row {id} {done}");
            if in_doubt {
                println!("note: {doubt}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Operated::WrongStatus(status) => {
            eprintln!("row {id} is {status}; only a {allowed} row can be changed this way");
            Ok(ExitCode::FAILURE)
        }
        Operated::Missing => {
            eprintln!("there is no row {id} in zoom.write_queue");
            Ok(ExitCode::FAILURE)
        }
    }
}
