//! Black-box tests of lesson 11 (being written).
