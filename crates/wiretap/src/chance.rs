//! Seeded chance for `wiretap udp --drop` and `--duplicate`: the same `--seed` makes the same
//! decisions for the same datagrams, on every run, on every machine, however fast they come.
//!
//! The generator is SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
//! generators", 2014), written out below in a few lines from Sebastiano Vigna's public-domain
//! reference code. Having it here instead of in a crate means its output can never change
//! under us with an update, and costs nothing to build. It is not for cryptography; for
//! deciding which datagrams to lose it is plenty (it passes the BigCrush statistical tests).
//!
//! Decisions never depend on timing. Each direction of each client's mapping has a stream of
//! its own (mapping 1 client->server, mapping 1 server->client, mapping 2 client->server, ...),
//! and every datagram takes exactly two numbers from its stream, the first for "drop?" and the
//! second for "duplicate?", whatever happens to it. So the decision for the 7th datagram from
//! the client is the same whether the server's replies came before it or not.

/// The SplitMix64 generator: a 64-bit counter that moves by a fixed odd step, and a mixing
/// function that scrambles the counter into the output.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

/// The step: 2^64 divided by the golden ratio, made odd.
const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl SplitMix64 {
    /// A generator whose first output is the first number of `seed`'s sequence.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    // ANCHOR: splitmix
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in [0, 1): the top 53 bits of the next output, as an `f64` holds them exactly.
    pub fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    // ANCHOR_END: splitmix
}

/// The stream of one direction (`0` client->server, `1` server->client) of client mapping
/// `mapping` (1, 2, ...): a generator seeded with number k of `seed`'s own sequence, where
/// k = 2 * (mapping - 1) + direction.
pub fn stream(seed: u64, mapping: u64, direction: u64) -> SplitMix64 {
    let k = mapping
        .saturating_sub(1)
        .wrapping_mul(2)
        .wrapping_add(direction);
    // Number k of the sequence: the generator's counter after k steps, then one more step.
    let mut skip = SplitMix64::new(seed.wrapping_add(GAMMA.wrapping_mul(k)));
    SplitMix64::new(skip.next_u64())
}

/// What happens to one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fate {
    /// Lost on the way: never sent.
    pub drop: bool,
    /// Sent twice (only ever true for a datagram that is not dropped).
    pub duplicate: bool,
}

// ANCHOR: decide
/// Decides the fate of the next datagram of `stream`: drop it with probability `drop`;
/// otherwise duplicate it with probability `duplicate`. Always takes two numbers.
pub fn decide(stream: &mut SplitMix64, drop: f64, duplicate: f64) -> Fate {
    let drop_roll = stream.next_unit();
    let duplicate_roll = stream.next_unit();
    let dropped = drop_roll < drop;
    Fate {
        drop: dropped,
        duplicate: !dropped && duplicate_roll < duplicate,
    }
}
// ANCHOR_END: decide

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_gives_the_reference_outputs() {
        // The first outputs of Vigna's reference splitmix64.c for seed 1234567.
        let mut generator = SplitMix64::new(1_234_567);
        let outputs: Vec<u64> = (0..5).map(|_| generator.next_u64()).collect();
        assert_eq!(
            outputs,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn streams_are_the_seeds_own_sequence_and_differ_per_direction() {
        let mut sequence = SplitMix64::new(1);
        let seeds: Vec<u64> = (0..4).map(|_| sequence.next_u64()).collect();
        for (k, seed) in seeds.iter().enumerate() {
            let (mapping, direction) = (k as u64 / 2 + 1, k as u64 % 2);
            let mut expected = SplitMix64::new(*seed);
            assert_eq!(
                stream(1, mapping, direction).next_u64(),
                expected.next_u64()
            );
        }
        assert_ne!(stream(1, 1, 0).next_u64(), stream(1, 1, 1).next_u64());
    }

    #[test]
    fn seed_1_drops_the_same_datagrams_every_time() {
        // Pinned (and checked against an independent Python implementation of the same
        // algorithm): if this changes, every lesson that shows a run with --seed changes too.
        let dropped = |seed| -> Vec<usize> {
            let mut client_to_server = stream(seed, 1, 0);
            (1..=20)
                .filter(|_| decide(&mut client_to_server, 0.5, 0.0).drop)
                .collect()
        };
        assert_eq!(dropped(1), dropped(1));
        assert_eq!(dropped(1), PINNED_SEED_1_DROPS);
        assert_ne!(dropped(2), dropped(1));
    }

    /// The datagrams (1-based) of client 1 towards the server that `--drop 0.5 --seed 1` drops.
    const PINNED_SEED_1_DROPS: &[usize] = &[1, 2, 3, 5, 7, 10, 13, 15, 18, 19, 20];

    #[test]
    fn probabilities_zero_and_one_are_never_and_always() {
        let mut generator = SplitMix64::new(7);
        for _ in 0..1000 {
            assert_eq!(
                decide(&mut generator, 0.0, 0.0),
                Fate {
                    drop: false,
                    duplicate: false
                }
            );
            assert!(decide(&mut generator, 1.0, 0.0).drop);
            assert!(decide(&mut generator, 0.0, 1.0).duplicate);
        }
    }

    #[test]
    fn drop_half_drops_about_half() {
        let mut generator = SplitMix64::new(42);
        let dropped = (0..10_000)
            .filter(|_| decide(&mut generator, 0.5, 0.0).drop)
            .count();
        assert!((4_800..5_200).contains(&dropped), "{dropped}");
    }
}
