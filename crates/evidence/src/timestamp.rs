//! RFC 3161 time-stamps over checkpoints: the request sent to a time-stamping authority (TSA),
//! the token taken from its response, and the token's verification.
//!
//! What is time-stamped is the checkpoint as the log signed it: its body, the empty line and the
//! log's own signature line (witness cosignatures come later and are not covered), hashed with
//! SHA-256. A token proves that this checkpoint, hence every entry it covers, existed at the
//! token's `genTime`, on the TSA's word.
//!
//! Verification checks the message imprint, the signed attributes' content type and message
//! digest, and the signer's signature (RSA PKCS #1 v1.5 or ECDSA P-256 / P-384) with the signer's
//! certificate: the one pinned by the verifier (`--tsa-cert`), else the one the token carries, in
//! which case the verdict says the TSA was not pinned. Certificate chains, revocation and the
//! time-stamping extended key usage are left to `openssl ts -verify` with a CA file (the tests
//! run it on the same tokens).

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::asn1::{Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const SHA256: &str = "2.16.840.1.101.3.4.2.1";
const SHA384: &str = "2.16.840.1.101.3.4.2.2";
const SHA512: &str = "2.16.840.1.101.3.4.2.3";
const RSA: &str = "1.2.840.113549.1.1.1";
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampInfo {
    /// `genTime`, seconds since 1970.
    pub seconds: u64,
    /// The signer certificate's subject.
    pub signer: String,
    /// Whether the signer's certificate is one the verifier pinned.
    pub pinned: bool,
}

fn oid(text: &str) -> ObjectIdentifier {
    ObjectIdentifier::new_unwrap(text)
}

/// The DER `TimeStampReq` for `data`: SHA-256 imprint, `nonce`, and the TSA's certificate asked
/// for in the token.
pub fn request(data: &[u8], nonce: u64) -> Vec<u8> {
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifierOwned {
                oid: oid(SHA256),
                parameters: Some(der::Any::null()),
            },
            hashed_message: OctetString::new(Sha256::digest(data).to_vec()).expect("32 bytes"),
        },
        req_policy: None,
        nonce: Some(Int::new(&nonce.to_be_bytes()).expect("an integer")),
        cert_req: true,
        extensions: None,
    };
    req.to_der().expect("a request encodes")
}

/// The token of a DER `TimeStampResp`, checked to be over `data` with the request's `nonce`.
pub fn token_of_response(response: &[u8], data: &[u8], nonce: u64) -> Result<Vec<u8>, String> {
    let resp =
        TimeStampResp::from_der(response).map_err(|e| format!("not an RFC 3161 response: {e}"))?;
    // PKIStatus 0 is granted, 1 granted with modifications; the rest are refusals.
    if resp.status.status as u8 > 1 {
        return Err(format!("the TSA refused: status {:?}", resp.status.status));
    }
    let token = resp.time_stamp_token.ok_or("the response holds no token")?;
    let der = token.to_der().map_err(|e| e.to_string())?;
    let tst = tst_info(&token)?.1;
    let asked = Int::new(&nonce.to_be_bytes()).map_err(|e| e.to_string())?;
    if tst.nonce.as_ref().map(|n| n.as_bytes()) != Some(asked.as_bytes()) {
        return Err("the token's nonce is not the request's".into());
    }
    check_imprint(&tst, data)?;
    Ok(der)
}

/// The SignedData and TSTInfo of a token.
fn tst_info(token: &ContentInfo) -> Result<(SignedData, TstInfo, Vec<u8>), String> {
    if token.content_type != oid(SIGNED_DATA) {
        return Err("the token is not CMS SignedData".into());
    }
    let signed = token
        .content
        .decode_as::<SignedData>()
        .map_err(|e| format!("the token's SignedData does not read: {e}"))?;
    if signed.encap_content_info.econtent_type != oid(TST_INFO) {
        return Err("the token's content is not a TSTInfo".into());
    }
    let content = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the token holds no TSTInfo")?
        .decode_as::<OctetString>()
        .map_err(|e| format!("the TSTInfo is not in an OCTET STRING: {e}"))?
        .as_bytes()
        .to_vec();
    let tst = TstInfo::from_der(&content).map_err(|e| format!("the TSTInfo does not read: {e}"))?;
    Ok((signed, tst, content))
}

fn check_imprint(tst: &TstInfo, data: &[u8]) -> Result<(), String> {
    let alg = tst.message_imprint.hash_algorithm.oid.to_string();
    let digest = digest(&alg, data).ok_or_else(|| format!("imprint hash {alg} is not SHA-2"))?;
    if tst.message_imprint.hashed_message.as_bytes() != digest.as_slice() {
        return Err(
            "the token is over other data: its imprint is not the hash of this checkpoint".into(),
        );
    }
    Ok(())
}

fn digest(alg: &str, data: &[u8]) -> Option<Vec<u8>> {
    Some(match alg {
        SHA256 => Sha256::digest(data).to_vec(),
        SHA384 => Sha384::digest(data).to_vec(),
        SHA512 => Sha512::digest(data).to_vec(),
        _ => return None,
    })
}

/// Verifies a DER token over `data`; `pinned` are the DER certificates of the TSAs the verifier
/// trusts (empty: take the certificate in the token, unpinned).
pub fn verify(token: &[u8], data: &[u8], pinned: &[Vec<u8>]) -> Result<TimestampInfo, String> {
    let info = ContentInfo::from_der(token).map_err(|e| format!("not a time-stamp token: {e}"))?;
    let (signed, tst, content) = tst_info(&info)?;
    check_imprint(&tst, data)?;
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or("the token has no signer")?;
    let digest_alg = signer.digest_alg.oid.to_string();
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or("the token has no signed attributes")?;
    let attr = |id: &str| {
        attrs
            .iter()
            .find(|a| a.oid == oid(id))
            .and_then(|a| a.values.iter().next())
    };
    let content_type = attr(CONTENT_TYPE)
        .and_then(|v| v.decode_as::<ObjectIdentifier>().ok())
        .ok_or("the signed attributes name no content type")?;
    if content_type != oid(TST_INFO) {
        return Err("the signed content type is not TSTInfo".into());
    }
    let message_digest = attr(MESSAGE_DIGEST)
        .and_then(|v| v.decode_as::<OctetString>().ok())
        .ok_or("the signed attributes hold no message digest")?;
    if Some(message_digest.as_bytes().to_vec()) != digest(&digest_alg, &content) {
        return Err("the signed message digest is not the digest of the TSTInfo".into());
    }
    let candidates: Vec<(Certificate, bool)> = if pinned.is_empty() {
        signed
            .certificates
            .iter()
            .flat_map(|set| set.0.iter())
            .filter_map(|c| match c {
                cms::cert::CertificateChoices::Certificate(c) => Some((c.clone(), false)),
                _ => None,
            })
            .collect()
    } else {
        pinned
            .iter()
            .map(|d| Certificate::from_der(d).map(|c| (c, true)))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("a pinned TSA certificate does not read: {e}"))?
    };
    let cert = candidates
        .iter()
        .find(|(c, _)| match &signer.sid {
            SignerIdentifier::IssuerAndSerialNumber(id) => {
                c.tbs_certificate.issuer == id.issuer
                    && c.tbs_certificate.serial_number == id.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => {
                key_identifier_matches(c, ski.0.as_bytes())
            }
        })
        .ok_or(if pinned.is_empty() {
            "the token carries no certificate of its signer"
        } else {
            "the token is not signed by a pinned TSA certificate"
        })?;
    let signed_bytes = attrs.to_der().map_err(|e| e.to_string())?;
    check_signature(
        &cert.0,
        &digest_alg,
        &signed_bytes,
        signer.signature.as_bytes(),
    )?;
    Ok(TimestampInfo {
        seconds: tst.gen_time.to_unix_duration().as_secs(),
        signer: cert.0.tbs_certificate.subject.to_string(),
        pinned: cert.1,
    })
}

/// Whether the certificate's subject key identifier extension is `id`.
fn key_identifier_matches(cert: &Certificate, id: &[u8]) -> bool {
    cert.tbs_certificate.extensions.iter().flatten().any(|e| {
        e.extn_id == oid("2.5.29.14")
            && OctetString::from_der(e.extn_value.as_bytes()).is_ok_and(|v| v.as_bytes() == id)
    })
}

fn check_signature(
    cert: &Certificate,
    digest_alg: &str,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    use ring::signature as sig;
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key = spki.subject_public_key.raw_bytes();
    let alg: &dyn sig::VerificationAlgorithm =
        match (spki.algorithm.oid.to_string().as_str(), digest_alg) {
            (RSA, SHA256) => &sig::RSA_PKCS1_2048_8192_SHA256,
            (RSA, SHA384) => &sig::RSA_PKCS1_2048_8192_SHA384,
            (RSA, SHA512) => &sig::RSA_PKCS1_2048_8192_SHA512,
            (EC_PUBLIC_KEY, d) => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                    .map(|o| o.to_string());
                match (curve.as_deref(), d) {
                    (Some(P256), SHA256) => &sig::ECDSA_P256_SHA256_ASN1,
                    (Some(P384), SHA384) => &sig::ECDSA_P384_SHA384_ASN1,
                    _ => return Err(format!("unsupported ECDSA curve {curve:?} with digest {d}")),
                }
            }
            (k, d) => return Err(format!("unsupported TSA key {k} with digest {d}")),
        };
    sig::UnparsedPublicKey::new(alg, key)
        .verify(message, signature)
        .map_err(|_| "the TSA's signature does not verify".to_string())
}
