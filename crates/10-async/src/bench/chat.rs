//! Budget Chat load (being written).
