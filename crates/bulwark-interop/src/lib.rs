//! Test-only crate: checks that keys and signatures made by `bulwark-sign` are accepted by
//! sigstore-rs (an independent Cosign implementation) and the other way round. The tests
//! live in `tests/`; this library is empty on purpose, so that sigstore-rs and its
//! dependencies stay out of the `bulwark` binary.
