//! `cargo exercise watch [NAME]`: checks an exercise each time its file is saved, as
//! rustlings' watch mode does. It shows the step lines and the first failure; once the
//! exercise passes it says so, moves on to the next exercise not passed yet and checks that
//! one (its starter fails at step 1 and says where to begin). `q` or Ctrl-C quits.
//!
//! Three things happen at once, so each has a thread that turns it into an [`Input`] on one
//! channel: the file watcher (`notify`, which uses inotify on Linux) reports a save, the
//! keyboard reader reports a key, and the main thread waits on the channel and runs checks.
//! Keys are read one at a time, not a line at a time: the terminal is put in raw mode
//! (`RawMode`) and put back as it was when watching ends, however it ends.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::compile::{self, Messages, Programs};
use crate::progress::{self, Progress};
use crate::runner::{Checking, Outcome, Target};
use crate::workspace::Workspace;
use crate::{CheckerError, Exercise, catalog, report};

/// What the main thread waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// The file being watched was written.
    Saved,
    /// The student asked to stop (`q`, or Ctrl-C, which raw mode delivers as a byte).
    Quit,
}

/// Editors save in bursts (write, rename, change attributes): events that come within this
/// long of the first are one save.
const SETTLE: Duration = Duration::from_millis(200);

/// Watches `first` (or the first exercise not passed yet) until the student quits.
pub fn run(workspace: &Workspace, first: Option<&'static Exercise>) -> Result<ExitCode> {
    let progress = Progress::load(workspace);
    let Some(mut exercise) = first.or_else(|| next_to_do(catalog::all(), None, &progress)) else {
        println!("Every exercise passes: there is nothing left to watch. Well done!");
        return Ok(ExitCode::SUCCESS);
    };
    let (inputs, received) = mpsc::channel();
    let mut files = FileWatch::new(inputs.clone())?;
    files.follow(workspace, exercise)?;
    let _raw = RawMode::enter();
    read_keys(inputs);
    check_and_show(workspace, exercise, "")?;
    loop {
        match next_input(&received) {
            Input::Quit => break,
            Input::Saved => {}
        }
        let outcome = check_and_show(workspace, exercise, "")?;
        if !outcome.passed() {
            continue;
        }
        let progress = Progress::load(workspace);
        match next_to_do(catalog::all(), Some(exercise), &progress) {
            Some(next) => {
                let banner = format!("✓ {} passed, next: {}\n", exercise.name, next.name);
                exercise = next;
                files.follow(workspace, exercise)?;
                check_and_show(workspace, exercise, &banner)?;
            }
            None => {
                say(&format!(
                    "\n{} passed, and so does every exercise. Well done!",
                    exercise.name
                ));
                break;
            }
        }
    }
    say("\nStopped watching.");
    Ok(ExitCode::SUCCESS)
}

/// The first exercise after `current` (in lesson order, coming round to the first) that has
/// not passed; `None` when all have. With no `current`, the first not passed.
pub fn next_to_do(
    all: &'static [Exercise],
    current: Option<&Exercise>,
    progress: &Progress,
) -> Option<&'static Exercise> {
    let start = current
        .and_then(|current| {
            all.iter()
                .position(|exercise| exercise.name == current.name)
        })
        .map_or(0, |index| index + 1);
    (0..all.len())
        .map(|offset| &all[(start + offset) % all.len()])
        .find(|exercise| !progress.entry(exercise).passed)
}

/// What a key means: `q`, `Q` and Ctrl-C (byte 3 in raw mode) quit; other keys do nothing.
pub fn key_input(byte: u8) -> Option<Input> {
    matches!(byte, b'q' | b'Q' | 3).then_some(Input::Quit)
}

/// Whether a file event is a save of `file`: a write, a creation (editors that save by
/// writing a new file and renaming it) or a rename to it.
pub fn is_save_of(event: &notify::Event, file: &Path) -> bool {
    let changed = matches!(
        event.kind,
        EventKind::Modify(_) | EventKind::Create(_) | EventKind::Any
    );
    changed && event.paths.iter().any(|path| path == file)
}

/// The next input: a quit at once, a save once the burst of events it came with is over.
fn next_input(received: &Receiver<Input>) -> Input {
    let Ok(input) = received.recv() else {
        return Input::Quit;
    };
    if input == Input::Quit {
        return Input::Quit;
    }
    while let Ok(more) = received.recv_timeout(SETTLE) {
        if more == Input::Quit {
            return Input::Quit;
        }
    }
    Input::Saved
}

/// The file watcher: sends [`Input::Saved`] for every save of the student's file of the
/// exercise followed now. It watches that file's folder, not the file: an editor that saves
/// by writing a new file and renaming it over the old one would leave a watch on the file
/// watching nothing.
struct FileWatch {
    watcher: notify::RecommendedWatcher,
    /// The student's file whose saves count, shared with the watcher's thread.
    file: Arc<Mutex<PathBuf>>,
    /// The folder watched now.
    folder: Option<PathBuf>,
}

impl FileWatch {
    fn new(inputs: Sender<Input>) -> Result<FileWatch> {
        let file: Arc<Mutex<PathBuf>> = Arc::default();
        let watched = Arc::clone(&file);
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let (Ok(event), Ok(file)) = (event, watched.lock())
                && is_save_of(&event, &file)
            {
                let _ = inputs.send(Input::Saved);
            }
        })
        .context("could not watch files (inotify)")?;
        Ok(FileWatch {
            watcher,
            file,
            folder: None,
        })
    }

    /// Watches `exercise`'s file from now on, instead of the one before.
    fn follow(&mut self, workspace: &Workspace, exercise: &Exercise) -> Result<()> {
        if let Some(folder) = self.folder.take() {
            let _ = self.watcher.unwatch(&folder);
        }
        if let Ok(mut file) = self.file.lock() {
            *file = workspace.student_file(exercise);
        }
        let folder = workspace.folder(exercise);
        self.watcher
            .watch(&folder, RecursiveMode::NonRecursive)
            .with_context(|| format!("could not watch {}", folder.display()))?;
        self.folder = Some(folder);
        Ok(())
    }
}

/// Reads keys on a thread of its own and sends [`Input::Quit`] for `q` or Ctrl-C.
fn read_keys(inputs: Sender<Input>) {
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin();
        let mut byte = [0u8; 1];
        // End of input (no terminal, `< /dev/null`): no more keys, Ctrl-C still stops us.
        while let Ok(1) = stdin.read(&mut byte) {
            if let Some(input) = key_input(byte[0]) {
                let _ = inputs.send(input);
            }
        }
    });
}

/// Clears the screen, shows `banner` (news of the exercise before, or nothing), and checks
/// `exercise`, showing the steps as they pass and the first failure, as `cargo exercise
/// check` does; records the result for `cargo exercise`. Fails only when the checker itself
/// cannot build (cargo missing, no temporary folder).
fn check_and_show(
    workspace: &Workspace,
    exercise: &'static Exercise,
    banner: &str,
) -> Result<Outcome, CheckerError> {
    // Clear the screen and go to its top, as rustlings does: the last check is all there is.
    print!("\x1b[2J\x1b[H{banner}");
    let target = Target::Student;
    say(&format!(
        "{}\nWatching {} (save it to check again; q quits)\n",
        report::heading(exercise, &target),
        workspace.student_file(exercise).display()
    ));
    let binary = target.binary(exercise);
    let programs = Programs::new()?;
    let built = compile::build(
        workspace,
        std::slice::from_ref(&binary),
        &compile::target_dir()?,
        &programs,
        Messages::Show,
    )?;
    let outcome = match built.get(&binary) {
        Some(Ok(program)) => {
            let mut checking = Checking::start(exercise, target, program);
            while let Some(step) = checking.next_step() {
                say(&report::step_line(step));
            }
            checking.finish()
        }
        Some(Err(messages)) => Outcome::not_built(exercise, target, messages.clone()),
        None => Outcome::not_built(exercise, target, String::new()),
    };
    say(&report::failure_text(&outcome));
    progress::record(workspace, &outcome);
    Ok(outcome)
}

/// Prints `text` and flushes: in raw mode, lines must end in `\r\n` to start at the left,
/// which the terminal still adds for `\n` (raw mode here leaves output processing on).
fn say(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", text.trim_end_matches('\n'));
    let _ = stdout.flush();
}

/// The terminal in raw mode while this lives: keys arrive one by one, unechoed, and Ctrl-C
/// arrives as a byte instead of killing us (so the terminal is always put back). Output
/// processing (`\n` as a new line) is left on. Nothing happens when stdin is not a terminal.
struct RawMode {
    #[cfg(unix)]
    saved: Option<rustix::termios::Termios>,
}

impl RawMode {
    fn enter() -> RawMode {
        #[cfg(unix)]
        {
            use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
            let stdin = std::io::stdin();
            let Ok(saved) = tcgetattr(&stdin) else {
                return RawMode { saved: None };
            };
            let mut raw = saved.clone();
            raw.local_modes
                .remove(LocalModes::ICANON | LocalModes::ECHO | LocalModes::ISIG);
            match tcsetattr(&stdin, OptionalActions::Now, &raw) {
                Ok(()) => RawMode { saved: Some(saved) },
                Err(_) => RawMode { saved: None },
            }
        }
        #[cfg(not(unix))]
        RawMode {}
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                saved,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use notify::event::{CreateKind, DataChange, ModifyKind, RemoveKind};
    use notify::{Event, EventKind};

    use super::{Input, is_save_of, key_input, next_to_do};
    use crate::catalog;
    use crate::progress::Progress;

    #[test]
    fn a_pass_moves_on_to_the_next_exercise_not_passed_coming_round_to_the_first() {
        let all = catalog::all();
        let mut progress = Progress::default();
        assert_eq!(
            next_to_do(all, None, &progress).map(|e| e.name),
            Some(all[0].name)
        );
        progress.entry_mut(&all[0]).passed = true;
        progress.entry_mut(&all[1]).passed = true;
        assert_eq!(
            next_to_do(all, Some(&all[0]), &progress).map(|e| e.name),
            Some(all[2].name)
        );
        let last = &all[all.len() - 1];
        progress.entry_mut(last).passed = true;
        assert_eq!(
            next_to_do(all, Some(last), &progress).map(|e| e.name),
            Some(all[2].name),
            "after the last, the first one not passed"
        );
        for exercise in all {
            progress.entry_mut(exercise).passed = true;
        }
        assert!(next_to_do(all, Some(last), &progress).is_none());
    }

    #[test]
    fn q_and_ctrl_c_quit_and_other_keys_do_nothing() {
        assert_eq!(key_input(b'q'), Some(Input::Quit));
        assert_eq!(key_input(b'Q'), Some(Input::Quit));
        assert_eq!(key_input(3), Some(Input::Quit));
        assert_eq!(key_input(b'x'), None);
        assert_eq!(key_input(b'\n'), None);
    }

    #[test]
    fn only_a_write_or_creation_of_the_watched_file_is_a_save() {
        let file = PathBuf::from("/course/crates/exercises/greet-server/greet-server.rs");
        let event = |kind: EventKind, path: &str| Event::new(kind).add_path(PathBuf::from(path));
        let write = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(is_save_of(
            &event(write, file.to_str().expect("utf-8")),
            &file
        ));
        let created = EventKind::Create(CreateKind::File);
        assert!(is_save_of(
            &event(created, file.to_str().expect("utf-8")),
            &file
        ));
        let other = "/course/crates/exercises/greet-server/solution.rs";
        assert!(!is_save_of(&event(write, other), &file));
        let removed = EventKind::Remove(RemoveKind::File);
        assert!(!is_save_of(
            &event(removed, file.to_str().expect("utf-8")),
            &file
        ));
    }
}
