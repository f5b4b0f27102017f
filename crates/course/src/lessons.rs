//! Keeping the lessons true to the code: `cargo lessons` checks, `cargo lessons --write` fixes.
//!
//! A lesson never contains code or output typed by hand. Each code block that shows code or
//! output follows a marker comment saying where it comes from:
//!
//! ````markdown
//! <!-- snippet: ../crates/01-simple/src/bin/simple-server.rs#bind -->
//! ```rust
//! socket.bind(&address.into()).map_err(failed)?;
//! ```
//!
//! <!-- output: demo 1 -->
//! ```text
//! demo 1: simple server (lessons/01-simple-server.md)
//! ...
//! ```
//! ````
//!
//! - `snippet: PATH#REGION`: the lines between `ANCHOR: REGION` and `ANCHOR_END: REGION` in the
//!   file at PATH (relative to the lesson), without the marker lines of nested regions, and
//!   dedented. The lesson must also link to that file.
//! - `output: demo N`: the transcript of `cargo demo N`.
//! - `output: pair SERVER ARGS -- CLIENT ARGS`: like a demo, for one variation: the server
//!   with `--port 0 --once ARGS`, then the client with `--port <that port> ARGS`.
//! - `output: scenario NAME`: the transcript of a named script in `course::demos::SCENARIOS`,
//!   for runs the other forms cannot express (three programs, a misbehaving client, ...).
//! - A demo or scenario that needs a program the machine lacks (curl, Chromium) fails with
//!   [`MissingTool`]: its block is then left as it is, with a note, unless
//!   `COURSE_REQUIRE_TOOLS=1` (CI) makes it a problem.
//! - `output: run BIN ARGS...`: the command `cargo run -q --bin BIN -- ARGS` and what it printed
//!   (stdout and stderr), for showing errors. In ARGS, `{closed-port}` is a port where nothing
//!   listens and `{busy-port}` one where a listener that never accepts is open (also inside
//!   an argument: `http://127.0.0.1:{closed-port}/`).
//!
//! Outputs are compared after [`normalize`], which hides what changes from run to run (ports,
//! times, durations), so the lesson keeps the numbers of the run that generated it. A
//! transcript of rustc is compared on its errors' codes and first lines only
//! ([`compiler_errors`]): the rest is worded differently by other releases of rustc.
//! Every relative link, and every `#heading` anchor in a link, must lead somewhere.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
pub use testkit::text::normalize;

use crate::demo::MissingTool;
use crate::{demo, demos};
use testkit::probe::{ClosedPort, silent_listener};
use testkit::{bins, procs, tools};

/// Something in a lesson that does not match the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The markdown file.
    pub file: PathBuf,
    /// The line (1-based) of the marker or link.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// The markdown files checked: `README.md`, `ARCHITECTURE.md`, the book's own pages and
/// `lessons/*.md`.
pub fn documents(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = [
        "README.md",
        "ARCHITECTURE.md",
        "book/index.md",
        "book/SUMMARY.md",
    ]
    .iter()
    .map(|name| root.join(name))
    .filter(|path| path.exists())
    .collect();
    let lessons = root.join("lessons");
    let mut lesson_files: Vec<PathBuf> = std::fs::read_dir(&lessons)
        .with_context(|| format!("could not list {}", lessons.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    lesson_files.sort();
    files.extend(lesson_files);
    Ok(files)
}

/// Which outputs [`check`] runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reruns {
    /// Every one (`cargo lessons`, and the slow tier of the tests).
    Every,
    /// Every one but the [`SLOW_OUTPUTS`], whose blocks are left as they are (`cargo test`).
    AllButSlow,
}

/// The outputs that take a second or more of processor time to make again, with why. A plain
/// `cargo test` leaves them to `cargo lessons` and to the slow tier, which CI runs.
pub const SLOW_OUTPUTS: &[(&str, &str)] = &[(
    "scenario http-browser-request",
    "starts Chromium: 0.7 s of processor time and a second to start",
)];

/// Checks every document; returns the problems found (empty when all is in sync).
pub fn check(root: &Path, reruns: Reruns) -> Result<Vec<Problem>> {
    let documents = parse_all(root)?;
    let outputs = run_outputs(&documents, reruns)?;
    let mut problems = Vec::new();
    for document in &documents {
        problems.extend(check_links(document, root));
        for block in &document.blocks {
            let fresh = fresh_body(document, block, &outputs);
            problems.extend(compare(document, block, fresh));
        }
    }
    Ok(problems)
}

/// Rewrites every generated block that is out of date; returns the files changed and the
/// problems that writing cannot fix (a missing region, a dangling link).
pub fn write(root: &Path) -> Result<(Vec<PathBuf>, Vec<Problem>)> {
    let documents = parse_all(root)?;
    let outputs = run_outputs(&documents, Reruns::Every)?;
    let mut changed = Vec::new();
    let mut problems = Vec::new();
    for document in &documents {
        let mut lines = document.lines.clone();
        // Replace from the bottom up so that earlier line numbers stay valid.
        for block in document.blocks.iter().rev() {
            match fresh_body(document, block, &outputs) {
                Ok(fresh) if !same(block, &block.body, &fresh) => {
                    lines.splice(block.body_start..block.body_end, fresh);
                }
                Ok(_) => {}
                Err(message) => problems.push(document.problem(block.marker_line, message)),
            }
        }
        problems.extend(check_links(document, root));
        if lines != document.lines {
            let mut text = lines.join("\n");
            text.push('\n');
            std::fs::write(&document.path, text)
                .with_context(|| format!("could not write {}", document.path.display()))?;
            changed.push(document.path.clone());
        }
    }
    Ok((changed, problems))
}

/// One markdown file, split into lines, with its generated blocks.
struct Document {
    path: PathBuf,
    lines: Vec<String>,
    blocks: Vec<Block>,
    /// Lines inside code blocks: links there are not links.
    in_code: Vec<bool>,
}

impl Document {
    fn problem(&self, line_index: usize, message: impl Into<String>) -> Problem {
        Problem {
            file: self.path.clone(),
            line: line_index + 1,
            message: message.into(),
        }
    }
}

/// A code block generated from a marker.
struct Block {
    source: Source,
    marker_line: usize,
    /// Lines `body_start..body_end` are the block's contents, between its fences.
    body_start: usize,
    body_end: usize,
    body: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Snippet { path: String, region: String },
    Output { command: String },
}

fn parse_all(root: &Path) -> Result<Vec<Document>> {
    documents(root)?.into_iter().map(parse).collect()
}

fn parse(path: PathBuf) -> Result<Document> {
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read {}", path.display()))?;
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut blocks = Vec::new();
    let mut in_code = vec![false; lines.len()];
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].trim();
        if let Some(fence) = fence_of(line) {
            let end = closing_fence(&lines, index + 1, &fence);
            in_code[index..end.min(lines.len())].fill(true);
            index = end + 1;
            continue;
        }
        if let Some(source) = marker(line) {
            let Some(fence) = lines.get(index + 1).and_then(|next| fence_of(next.trim())) else {
                bail!(
                    "{}:{}: a marker must be followed at once by a ``` code block",
                    path.display(),
                    index + 1
                );
            };
            let end = closing_fence(&lines, index + 2, &fence);
            in_code[index + 1..end.min(lines.len())].fill(true);
            blocks.push(Block {
                source,
                marker_line: index,
                body_start: index + 2,
                body_end: end.min(lines.len()),
                body: lines[index + 2..end.min(lines.len())].to_vec(),
            });
            index = end + 1;
            continue;
        }
        index += 1;
    }
    Ok(Document {
        path,
        lines,
        blocks,
        in_code,
    })
}

/// The fence characters if `line` opens a fenced code block (```` ```rust ```` gives "```").
fn fence_of(line: &str) -> Option<String> {
    let fence: String = line.chars().take_while(|&c| c == '`').collect();
    (fence.len() >= 3).then_some(fence)
}

fn closing_fence(lines: &[String], from: usize, fence: &str) -> usize {
    (from..lines.len())
        .find(|&index| lines[index].trim() == fence)
        .unwrap_or(lines.len())
}

fn marker(line: &str) -> Option<Source> {
    let inner = line.strip_prefix("<!--")?.strip_suffix("-->")?.trim();
    if let Some(target) = inner.strip_prefix("snippet:") {
        let (path, region) = target.trim().split_once('#')?;
        return Some(Source::Snippet {
            path: path.to_string(),
            region: region.to_string(),
        });
    }
    let command = inner.strip_prefix("output:")?.trim();
    Some(Source::Output {
        command: command.to_string(),
    })
}

/// The region `name` of `source`: the lines between `ANCHOR: name` and `ANCHOR_END: name`,
/// without the marker lines of other regions, dedented.
pub fn region(source: &str, name: &str) -> Option<Vec<String>> {
    let is_marker = |line: &str, kind: &str| {
        line.split_once(kind)
            .is_some_and(|(_, rest)| rest.trim() == name)
    };
    let mut lines = source.lines();
    lines.find(|line| is_marker(line, "ANCHOR: "))?;
    let mut body = Vec::new();
    for line in lines {
        if is_marker(line, "ANCHOR_END: ") {
            return Some(dedent(body));
        }
        if !line.contains("ANCHOR: ") && !line.contains("ANCHOR_END: ") {
            body.push(line.to_string());
        }
    }
    None
}

fn dedent(lines: Vec<String>) -> Vec<String> {
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .into_iter()
        .map(|line| line.get(indent..).unwrap_or("").trim_end().to_string())
        .collect()
}

/// What a block should contain now, or why that cannot be known.
fn fresh_body(
    document: &Document,
    block: &Block,
    outputs: &BTreeMap<String, Outcome>,
) -> Result<Vec<String>, String> {
    match &block.source {
        Source::Snippet { path, region: name } => {
            let file = document.path.parent().unwrap_or(Path::new(".")).join(path);
            let source = std::fs::read_to_string(&file)
                .map_err(|error| format!("snippet file {path} cannot be read: {error}"))?;
            region(&source, name).ok_or_else(|| {
                format!("{path} has no region `{name}` (ANCHOR: {name} ... ANCHOR_END: {name})")
            })
        }
        Source::Output { command } => match outputs.get(command) {
            Some(Outcome::Ran(text)) => Ok(text.lines().map(str::to_string).collect()),
            // A program it needs is not installed here: what the lesson shows stays.
            Some(Outcome::Skipped) => Ok(block.body.clone()),
            Some(Outcome::Failed(error)) => Err(format!("`{command}` could not run: {error}")),
            None => Err(format!("`{command}` was not run")),
        },
    }
}

fn same(block: &Block, current: &[String], fresh: &[String]) -> bool {
    match block.source {
        Source::Snippet { .. } => current == fresh,
        Source::Output { .. } if is_compiler_output(current) || is_compiler_output(fresh) => {
            compiler_errors(current) == compiler_errors(fresh)
        }
        Source::Output { .. } => normalize(&current.join("\n")) == normalize(&fresh.join("\n")),
    }
}

/// Whether a transcript shows rustc at work (lesson 8 compiles files that must not compile).
fn is_compiler_output(lines: &[String]) -> bool {
    lines.iter().any(|line| line.starts_with("$ rustc "))
}

/// What of rustc's output holds across stable releases: the command, and each error's code
/// and first line (`error[E0596]: cannot borrow ...`). The notes, help and drawings under them
/// are reworded from one release to the next, and a student on another rustc than the one
/// that wrote the lesson must not see `cargo test` fail for it. (`cargo lessons --write` still
/// shows the whole output of the rustc at hand.) Of `$ rustc x.rs`, `error[E0277]: ...`,
/// `  --> x.rs:3:5` and `help: ...`, the first two lines are kept (a unit test below shows it).
pub fn compiler_errors(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|line| line.trim_end())
        .filter(|line| line.starts_with("$ rustc ") || line.starts_with("error[E"))
        .map(str::to_string)
        .collect()
}

fn compare(
    document: &Document,
    block: &Block,
    fresh: Result<Vec<String>, String>,
) -> Option<Problem> {
    let fresh = match fresh {
        Ok(fresh) => fresh,
        Err(message) => return Some(document.problem(block.marker_line, message)),
    };
    if same(block, &block.body, &fresh) {
        return check_snippet_linked(document, block);
    }
    let lesson = document
        .path
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    // A student who edited a lesson's program for an exercise reads this first, so it starts
    // with how to undo that; the contributor's fix comes second.
    let (what, undo) = match &block.source {
        Source::Snippet { path, region } => {
            let file = path.trim_start_matches("../");
            (
                format!("{file} differs from what lessons/{lesson} shows (region `{region}`)"),
                format!("`git checkout -- {file}` restores it"),
            )
        }
        Source::Output { command } => (
            format!("the output of `{command}` differs from what lessons/{lesson} shows"),
            "`git status` shows what you changed and `git checkout -- crates/` restores the \
             course's programs"
                .to_string(),
        ),
    };
    let message = format!(
        "{what}.\n  If you changed a lesson's program for an exercise, {undo}.\n  If you changed \
         the code on purpose, run `cargo lessons --write` (or `just lessons`) to regenerate the \
         lesson, and read the text around it.\n{}",
        first_difference(&block.body, &fresh)
    );
    Some(document.problem(block.marker_line, message))
}

fn first_difference(current: &[String], fresh: &[String]) -> String {
    let current = normalize(&current.join("\n"));
    let fresh = normalize(&fresh.join("\n"));
    let mut current_lines = current.lines();
    let mut fresh_lines = fresh.lines();
    for number in 1.. {
        match (current_lines.next(), fresh_lines.next()) {
            (Some(a), Some(b)) if a == b => continue,
            (None, None) => break,
            (a, b) => {
                return format!(
                    "  first difference, line {number} of the block:\n    lesson: {}\n    now:    {}",
                    a.unwrap_or("(nothing)"),
                    b.unwrap_or("(nothing)")
                );
            }
        }
    }
    "  (the blocks differ only in spacing)".to_string()
}

fn check_snippet_linked(document: &Document, block: &Block) -> Option<Problem> {
    let Source::Snippet { path, .. } = &block.source else {
        return None;
    };
    let linked = links(document)
        .iter()
        .any(|(_, target)| target.split('#').next() == Some(path.as_str()));
    (!linked).then(|| {
        document.problem(
            block.marker_line,
            format!("the lesson shows code from {path} but never links to it: add [name]({path})"),
        )
    })
}

/// What running an output command gave.
enum Outcome {
    /// Its output.
    Ran(String),
    /// Why it failed.
    Failed(String),
    /// It needs a program that is not installed here (curl, Chromium), and
    /// `COURSE_REQUIRE_TOOLS=1` is not set; or it is slow, and this check leaves it out
    /// ([`Reruns::AllButSlow`]): the block is left as it is.
    Skipped,
}

/// Runs every distinct output command of all documents that `reruns` asks for, in parallel.
fn run_outputs(documents: &[Document], reruns: Reruns) -> Result<BTreeMap<String, Outcome>> {
    let is_slow = |command: &String| SLOW_OUTPUTS.iter().any(|(slow, _)| slow == command);
    let mut outcomes = BTreeMap::new();
    let mut commands = std::collections::BTreeSet::new();
    for block in documents.iter().flat_map(|document| &document.blocks) {
        if let Source::Output { command } = &block.source {
            if reruns == Reruns::AllButSlow && is_slow(command) {
                outcomes.insert(command.clone(), Outcome::Skipped);
            } else {
                commands.insert(command.clone());
            }
        }
    }
    if commands.is_empty() {
        return Ok(outcomes);
    }
    bins::build_all_once()?;
    std::thread::scope(|scope| {
        let running: Vec<_> = commands
            .iter()
            .map(|command| {
                let handle = scope.spawn(|| run_output(command));
                (command.clone(), handle)
            })
            .collect();
        for (command, handle) in running {
            let outcome = match handle.join() {
                Ok(Ok(text)) => Outcome::Ran(text),
                Ok(Err(error)) => match error
                    .chain()
                    .find_map(|cause| cause.downcast_ref::<MissingTool>())
                {
                    Some(missing) if !tools::required() => {
                        eprintln!(
                            "note: `{command}` was not run, {missing}: lessons keep the \
                             output they show"
                        );
                        Outcome::Skipped
                    }
                    _ => Outcome::Failed(format!("{error:#}")),
                },
                Err(_) => Outcome::Failed("the run panicked".to_string()),
            };
            outcomes.insert(command, outcome);
        }
    });
    Ok(outcomes)
}

/// Produces the output of one marker command.
pub fn run_output(command: &str) -> Result<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    match words.as_slice() {
        ["demo", number] => {
            let number: u8 = number.parse().context("demo needs a lesson number")?;
            let demo = demos::find(number).with_context(|| format!("there is no demo {number}"))?;
            demo::run(demo, false)
        }
        ["run", bin, args @ ..] => run_program(bin, args),
        ["scenario", name] => demos::scenario(name),
        ["pair", server, rest @ ..] => {
            let split = rest.iter().position(|word| *word == "--");
            let Some((server_args, [client, client_args @ ..])) =
                split.map(|at| (&rest[..at], &rest[at + 1..]))
            else {
                bail!("`pair` needs `SERVER [ARGS] -- CLIENT [ARGS]`");
            };
            demo::pair(server, server_args, client, client_args)
        }
        _ => bail!(
            "unknown output command `{command}` (use `demo N`, `run BIN ARGS...`, \
             `pair SERVER ARGS -- CLIENT ARGS` or `scenario NAME`)"
        ),
    }
}

fn run_program(bin: &str, args: &[&str]) -> Result<String> {
    // Ports reserved until the program has run: one where connecting is refused, and one
    // where a listener that never answers makes the port busy.
    let closed = ClosedPort::new()?;
    let busy = silent_listener()?;
    let closed_port = closed.port().to_string();
    let busy_port = busy.local_addr()?.port().to_string();
    let real_args: Vec<String> = args
        .iter()
        .map(|arg| {
            arg.replace("{closed-port}", &closed_port)
                .replace("{busy-port}", &busy_port)
        })
        .collect();
    let real_args: Vec<&str> = real_args.iter().map(String::as_str).collect();
    let mut program = procs::Running::start(&bins::path(bin)?, &real_args)?;
    program.close_stdin();
    let finished = program.finish()?;
    let mut text = format!("$ {}\n", demo::command_line(bin, &real_args));
    for line in finished.rest {
        text.push_str(&line);
        text.push('\n');
    }
    Ok(text)
}

/// Every link `[text](target)` outside code blocks, with its line index.
fn links(document: &Document) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, line) in document.lines.iter().enumerate() {
        if document.in_code[index] {
            continue;
        }
        for target in link_targets(&strip_inline_code(line)) {
            found.push((index, target.to_string()));
        }
    }
    found
}

/// The targets of the links `[text](target)` and `[text](target "title")` in `line`.
///
/// Read by hand rather than with a regular expression: this runs on every line of every
/// lesson in `cargo test`, where a regular expression (built without optimisations, as tests
/// are) took two thirds of the whole check's own time.
fn link_targets(line: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("](") {
        let after = &rest[start + 2..];
        let end = after
            .find(|c: char| c == ')' || c.is_whitespace())
            .unwrap_or(after.len());
        let (target, tail) = after.split_at(end);
        if !target.is_empty() && closes_link(tail) {
            targets.push(target);
        }
        rest = after;
    }
    targets
}

/// Whether `tail`, what follows a link's target, closes the link: `)`, or a title in quotes
/// and then `)`.
fn closes_link(tail: &str) -> bool {
    if tail.starts_with(')') {
        return true;
    }
    let title = tail.trim_start();
    if title.len() == tail.len() {
        return false;
    }
    title
        .strip_prefix('"')
        .and_then(|title| title.split_once('"'))
        .is_some_and(|(_, after)| after.starts_with(')'))
}

fn strip_inline_code(line: &str) -> String {
    line.split('`')
        .enumerate()
        .filter(|(index, _)| index % 2 == 0)
        .map(|(_, part)| part)
        .collect::<Vec<_>>()
        .join("")
}

fn check_links(document: &Document, root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let dir = document.path.parent().unwrap_or(root);
    for (index, target) in links(document) {
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (path, anchor) = match target.split_once('#') {
            Some((path, anchor)) => (path, Some(anchor)),
            None => (target.as_str(), None),
        };
        let file = if path.is_empty() {
            document.path.clone()
        } else {
            dir.join(path)
        };
        if !file.exists() {
            problems.push(document.problem(index, format!("dangling link: {target}")));
            continue;
        }
        if let Some(why) = not_in_the_book(root, &document.path, &file) {
            problems.push(document.problem(index, format!("{why}: {target}")));
            continue;
        }
        if let Some(anchor) = anchor {
            let is_markdown = file.extension().is_some_and(|ext| ext == "md");
            let found = is_markdown
                && std::fs::read_to_string(&file)
                    .map(|text| heading_slugs(&text).contains(&anchor.to_string()))
                    .unwrap_or(false);
            if !found {
                problems.push(document.problem(index, format!("dangling anchor: {target}")));
            }
        }
    }
    problems
}

/// Why the book cannot serve `file`, the target of a link in the lesson `page`; `None` if it
/// can, or if `page` is not a page of the book. The book (`book/`, see `course::book`) holds
/// the lessons and a copy of `crates/` without its markdown files, so a lesson may link to
/// another lesson or to a file of `crates/` that is not markdown, and to nothing else of the
/// repository (the `README.md` at the root, say, which is not in the book).
fn not_in_the_book(root: &Path, page: &Path, file: &Path) -> Option<&'static str> {
    if !page.starts_with(root.join("lessons")) {
        return None;
    }
    let relative = file.strip_prefix(root).ok()?;
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in relative.components() {
        match component {
            std::path::Component::Normal(part) => parts.push(part),
            // The guard climbs one folder; above the root, the link leaves the repository.
            std::path::Component::ParentDir if parts.pop().is_none() => {
                return Some("the book cannot serve a link that leaves the repository");
            }
            _ => {}
        }
    }
    let is_markdown = file.extension().is_some_and(|ext| ext == "md");
    match parts.first().and_then(|first| first.to_str()) {
        Some("lessons") => None,
        Some("crates") if !is_markdown => None,
        Some("crates") => Some(
            "the book copies crates/ without its markdown files, so it cannot serve this link \
             (link to a lesson, or a source file)",
        ),
        _ => Some(
            "the book holds lessons/ and crates/ only, so it cannot serve this link (link to a \
             file in them, or to a web page)",
        ),
    }
}

/// The anchors GitHub gives the headings of a markdown text.
///
/// A heading's anchor is its text in lower case, without punctuation, spaces made hyphens.
/// When that anchor is taken already, GitHub adds `-1`, `-2`, ... (the first number that makes
/// it new): only an exact repeat counts, so `Run it` after `Run it by hand` is `run-it`.
pub fn heading_slugs(text: &str) -> Vec<String> {
    let mut slugs: Vec<String> = Vec::new();
    // For each anchor given so far, how many times it came again (github-slugger's way).
    let mut repeats: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut in_code = false;
    for line in text.lines() {
        if fence_of(line.trim()).is_some() {
            in_code = !in_code;
            continue;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let base: String = title
            .to_lowercase()
            .chars()
            .filter(|&c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut slug = base.clone();
        while repeats.contains_key(&slug) {
            let count = repeats.entry(base.clone()).or_insert(0);
            *count += 1;
            slug = format!("{base}-{count}");
        }
        repeats.insert(slug.clone(), 0);
        slugs.push(slug);
    }
    slugs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiler_errors_keeps_the_command_and_each_errors_first_line() {
        let output = [
            "$ rustc x.rs",
            "error[E0277]: `Rc<u8>` cannot be sent",
            "  --> x.rs:3:5",
            "help: ...",
        ];
        let output: Vec<String> = output.iter().map(|line| line.to_string()).collect();
        assert_eq!(
            compiler_errors(&output),
            ["$ rustc x.rs", "error[E0277]: `Rc<u8>` cannot be sent"]
        );
    }

    #[test]
    fn region_skips_nested_markers_and_dedents() {
        let source = "fn main() {\n    // ANCHOR: all\n    let a = 1;\n    // ANCHOR: inner\n    let b = 2;\n    // ANCHOR_END: inner\n    // ANCHOR_END: all\n}\n";
        assert_eq!(
            region(source, "all"),
            Some(vec!["let a = 1;".to_string(), "let b = 2;".to_string()])
        );
        assert_eq!(
            region(source, "inner"),
            Some(vec!["let b = 2;".to_string()])
        );
        assert_eq!(region(source, "missing"), None);
    }

    #[test]
    fn normalize_hides_ports_times_and_durations_but_not_byte_counts() {
        assert_eq!(
            normalize(
                "recv(1024) -> 13 bytes from [::1]:5000 in 2.5 s at Wed Jan 29 19:14:15 2014"
            ),
            "recv(1024) -> 13 bytes from [::1]:PORT in DURATION at TIME"
        );
        assert_eq!(
            normalize("Date: Sat, 05 Dec 2026 21:21:05 GMT"),
            "Date: DATE"
        );
        assert_eq!(
            normalize("throughput: 24271 requests/s, 317 MiB/s"),
            "throughput: RATE, RATE"
        );
        assert_eq!(
            normalize("$ cargo run -q --bin x -- --port 40221"),
            "$ cargo run -q --bin x -- --port PORT"
        );
    }

    #[test]
    fn rustc_output_is_compared_on_error_codes_and_first_lines_only() {
        let block = |body: &[&str]| Block {
            source: Source::Output {
                command: "scenario counts-in-an-arc".into(),
            },
            marker_line: 0,
            body_start: 0,
            body_end: 0,
            body: body.iter().map(|line| line.to_string()).collect(),
        };
        let lines = |body: &[&str]| body.iter().map(|line| line.to_string()).collect::<Vec<_>>();
        let lesson = [
            "$ rustc x.rs",
            "error[E0594]: cannot assign",
            "  = note: one wording",
        ];
        // Another release words its note and help otherwise: the same for the lesson.
        let reworded = [
            "$ rustc x.rs",
            "error[E0594]: cannot assign",
            "  = help: another",
        ];
        assert!(same(&block(&lesson), &lines(&lesson), &lines(&reworded)));
        // Another error, or another first line, is a difference.
        let other = [
            "$ rustc x.rs",
            "error[E0596]: cannot borrow",
            "  = note: one wording",
        ];
        assert!(!same(&block(&lesson), &lines(&lesson), &lines(&other)));
        let fewer = ["$ rustc x.rs"];
        assert!(!same(&block(&lesson), &lines(&lesson), &lines(&fewer)));
    }

    #[test]
    fn heading_slugs_follow_github() {
        let text = "# Lesson 1: a simple server\n## What can go wrong?\n## Run it by hand\n## Run it\n## Run it\n```\n# not a heading\n```\n## Run it\n## Run it-1\n";
        assert_eq!(
            heading_slugs(text),
            vec![
                "lesson-1-a-simple-server",
                "what-can-go-wrong",
                "run-it-by-hand",
                "run-it",
                "run-it-1",
                "run-it-2",
                // Taken by the second "Run it": GitHub counts on from the taken anchor.
                "run-it-1-1",
            ]
        );
    }

    #[test]
    fn a_lesson_may_link_only_to_what_the_book_holds() {
        let root = std::path::Path::new("/course");
        let page = root.join("lessons/01-simple-server.md");
        let link =
            |target: &str| super::not_in_the_book(root, &page, &root.join("lessons").join(target));
        assert_eq!(link("02-time-server.md"), None);
        assert_eq!(link("../crates/01-simple/src/bin/simple-server.rs"), None);
        assert!(link("../README.md").is_some_and(|why| why.contains("lessons/ and crates/ only")));
        assert!(link("../crates/x/README.md").is_some_and(|why| why.contains("markdown")));
        assert!(link("../../elsewhere.rs").is_some_and(|why| why.contains("leaves")));
        let readme = root.join("README.md");
        assert_eq!(
            super::not_in_the_book(root, &readme, &root.join("Cargo.toml")),
            None
        );
    }

    #[test]
    fn links_are_found_outside_code_only() {
        let path = std::env::temp_dir().join(format!("links-{}.md", std::process::id()));
        let text = "See [lesson 2](02-time-server.md#run-it \"title\") and `[not](a-link.md)`.\n```\n[no](x.md)\n```\n";
        std::fs::write(&path, text).expect("write a temporary file");
        let document = parse(path.clone());
        let _ = std::fs::remove_file(&path);
        let found = links(&document.expect("parse"));
        assert_eq!(found, vec![(0, "02-time-server.md#run-it".to_string())]);
    }

    #[test]
    fn link_targets_are_what_markdown_links_to_and_nothing_else() {
        let line = "[a](one.md), [b](two.md \"its title\"), [c](three.md#part) and [d](four.md";
        assert_eq!(link_targets(line), ["one.md", "two.md", "three.md#part"]);
        for not_a_link in [
            "[text]()",
            "[text](x.md \"title)",
            "[text](x.md \"title\" )",
            "[text](x.md title)",
            "f(a)](b c)",
        ] {
            assert_eq!(link_targets(not_a_link), Vec::<&str>::new(), "{not_a_link}");
        }
        assert_eq!(link_targets("[x](a.md)[y](b.md)"), ["a.md", "b.md"]);
    }
}
