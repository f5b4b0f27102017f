//! A known-bad udp-pinger, kept to prove that `cargo exercise check udp-pinger` catches its
//! mistake: it sends every ping at once, then collects the replies, where each ping waits for
//! its reply (or --timeout) before the next goes.
//!
//! mistake: sends every ping at once, then collects the replies
//! caught by: all-answered
//!
//! It is the reference solution, `udp-pinger/solution.rs`, with the change below:
//! `build.rs` makes the program from the two (each text to replace must appear exactly once).
//!
//! ```text
//! replace:
//! fn ping_all(options: &PingerOptions) -> Result<()> {
//!     let socket = create_socket(options.server)?;
//!     let mut round_trips = Vec::new();
//!     for number in 1..=options.count {
//!         match ping(&socket, options, number)? {
//!             Some(round_trip) => {
//!                 println!("Ping {number}: reply in {} ms", milliseconds(round_trip));
//!                 round_trips.push(round_trip);
//!             }
//!             None => println!("Ping {number}: timed out"),
//!         }
//!     }
//!     print_summary(options.count, &round_trips);
//!     Ok(())
//! }
//! with:
//! fn ping_all(options: &PingerOptions) -> Result<()> {
//!     let socket = create_socket(options.server)?;
//!     // The mistake: every ping goes at once, before any reply has come; the pings go one after
//!     // another, each once the reply to the one before has come (or its --timeout has passed).
//!     let mut sent_at = Vec::new();
//!     for number in 1..=options.count {
//!         sent_at.push(Instant::now());
//!         socket
//!             .send_to(format!("Ping {number}").as_bytes(), options.server)
//!             .context("could not send a ping")?;
//!     }
//!     let mut replies: Vec<Option<Duration>> = vec![None; sent_at.len()];
//!     let deadline = Instant::now() + options.timeout;
//!     let mut buffer = [0u8; BUFFER_SIZE];
//!     while replies.iter().any(Option::is_none) {
//!         let left = deadline.saturating_duration_since(Instant::now());
//!         if left.is_zero() {
//!             break;
//!         }
//!         socket.set_read_timeout(Some(left))?;
//!         let Ok((size, _)) = socket.recv_from(&mut buffer) else {
//!             break;
//!         };
//!         let number = std::str::from_utf8(&buffer[..size])
//!             .ok()
//!             .and_then(|text| text.strip_prefix("PING "))
//!             .and_then(|number| number.parse::<usize>().ok())
//!             .filter(|number| (1..=replies.len()).contains(number));
//!         if let Some(number) = number {
//!             replies[number - 1].get_or_insert(sent_at[number - 1].elapsed());
//!         }
//!     }
//!     let mut round_trips = Vec::new();
//!     for (index, reply) in replies.into_iter().enumerate() {
//!         let number = index + 1;
//!         match reply {
//!             Some(round_trip) => {
//!                 println!("Ping {number}: reply in {} ms", milliseconds(round_trip));
//!                 round_trips.push(round_trip);
//!             }
//!             None => println!("Ping {number}: timed out"),
//!         }
//!     }
//!     print_summary(options.count, &round_trips);
//!     Ok(())
//! }
//! ```
// The mistake leaves part of the solution unused.
#![allow(dead_code)]
include!(concat!(env!("OUT_DIR"), "/", env!("CARGO_BIN_NAME"), ".rs"));
