//! The interactive prompt: rustyline with in-memory history, one line at a time into the
//! session. Ctrl-C clears the line being typed or abandons the command running; Ctrl-D
//! or `:quit` leaves.

use std::io::Write;

use rustyline::error::ReadlineError;
use rustyline::history::MemHistory;
use rustyline::{Config as EditorConfig, Editor};

use super::session::{LineOutcome, Session};

/// Reads and runs lines until `:quit`, Ctrl-D or end of input.
pub async fn run(session: &mut Session) -> Result<(), String> {
    let config = EditorConfig::builder().auto_add_history(true).build();
    let mut editor = Editor::<(), MemHistory>::with_history(config, MemHistory::new())
        .map_err(|e| format!("cannot open the prompt: {e}"))?;
    loop {
        let prompt = session.prompt();
        // Reading blocks this worker thread; the sandbox keeps serving on the others.
        let read = tokio::task::block_in_place(|| editor.readline(&prompt));
        let line = match read {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(format!("cannot read the prompt: {e}")),
        };
        let mut stdout = std::io::stdout();
        let outcome = tokio::select! {
            outcome = session.line(&line, &mut stdout) => outcome,
            _ = tokio::signal::ctrl_c() => {
                let _ = writeln!(std::io::stdout(), "(interrupted)");
                continue;
            }
        };
        match outcome {
            Ok(LineOutcome::Quit) => break,
            Ok(_) => {
                let _ = writeln!(stdout);
            }
            Err(e) => return Err(format!("cannot write to the terminal: {e}")),
        }
    }
    Ok(())
}
