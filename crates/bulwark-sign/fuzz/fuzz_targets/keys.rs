//! Fuzzes the cosign key parsers: encrypted private key PEM, PKCS#8 DER, public key
//! PEM and SPKI DER.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    bulwark_sign::fuzzing::keys(data);
});
