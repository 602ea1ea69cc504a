#!/usr/bin/env node
// Independent peer check of a Sigstore bundle signed with a plain public key
// (no Fulcio certificate, no Rekor entry, no timestamp), using the reference
// JavaScript verifier @sigstore/verify as installed by scripts/install-sigstore-peers.
//
// usage: node sigstore_verify.mjs BUNDLE.json PUBKEY.pem HINT [ARTIFACT]
//   BUNDLE.json  a Sigstore bundle (v0.1 .. v0.3 JSON)
//   PUBKEY.pem   the signer's public key (PEM, SPKI)
//   HINT         the key hint under which the key is trusted; it must equal
//                verificationMaterial.publicKey.hint in the bundle
//   ARTIFACT     optional: either 64 hex digits (the artifact's sha256) or a path
//                to the artifact file.
//                - dsseEnvelope bundles: @sigstore/verify checks only the DSSE
//                  signature over the envelope; it never looks at the artifact.
//                  So this script also requires that the payload is an in-toto
//                  Statement that has a subject with that sha256 digest.
//                - messageSignature bundles: the library verifies the signature
//                  over the artifact bytes, so ARTIFACT must be the file (a bare
//                  digest, or no ARTIFACT, is an error); its sha256 must also
//                  equal the bundle's messageDigest.
// Prints "verified" and exits 0, or prints the reason and exits 1 (2 for usage).
//
// Modules come from $CH_SIGSTORE_MODULES, default <repo>/tools/sigstore/node_modules.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.resolve(
  process.env.CH_SIGSTORE_MODULES || path.join(here, '..', '..', 'tools', 'sigstore', 'node_modules'));

function fail(message, code = 1) {
  process.stdout.write(`${message}\n`);
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.length < 3 || args.length > 4) {
  fail('usage: node sigstore_verify.mjs BUNDLE.json PUBKEY.pem HINT [ARTIFACT_DIGEST_HEX|ARTIFACT_FILE]', 2);
}
const [bundlePath, keyPath, hint, artifactArg] = args;

// Load by absolute path so that nothing is ever picked up from a global or
// parent node_modules by accident.
const require = createRequire(path.join(modules, 'charthouse-resolver.cjs'));
function load(name) {
  const dir = path.join(modules, name);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fail(`error: ${name} is not installed in ${modules} (run scripts/install-sigstore-peers)`, 2);
  }
  return require(dir);
}
const { bundleFromJSON } = load('@sigstore/bundle');
const { TrustedRoot, PublicKeyDetails } = load('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = load('@sigstore/verify');

function keyDetailsFor(key) {
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (type === 'ec' && curve === 'prime256v1') return PublicKeyDetails.PKIX_ECDSA_P256_SHA_256;
  if (type === 'ec' && curve === 'secp384r1') return PublicKeyDetails.PKIX_ECDSA_P384_SHA_384;
  if (type === 'ec' && curve === 'secp521r1') return PublicKeyDetails.PKIX_ECDSA_P521_SHA_512;
  if (type === 'ed25519') return PublicKeyDetails.PKIX_ED25519;
  if (type === 'rsa') return PublicKeyDetails.PKIX_RSA_PKCS1V15_2048_SHA256;
  return PublicKeyDetails.PUBLIC_KEY_DETAILS_UNSPECIFIED;
}

try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));

  const key = crypto.createPublicKey(fs.readFileSync(keyPath));
  // A trusted root with no CAs, TSAs, Rekor or CT logs: the only thing trusted
  // is the one public key, registered under HINT (a protobuf-specs PublicKey:
  // rawBytes = DER SPKI, valid for all time).
  const root = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
  });
  const trustMaterial = toTrustMaterial(root, {
    [hint]: {
      rawBytes: key.export({ type: 'spki', format: 'der' }),
      keyDetails: keyDetailsFor(key),
      validFor: { start: new Date(0) },
    },
  });

  let artifact;
  let artifactDigest;
  if (artifactArg !== undefined) {
    if (/^[0-9a-fA-F]{64}$/.test(artifactArg)) {
      artifactDigest = artifactArg.toLowerCase();
    } else {
      artifact = fs.readFileSync(artifactArg);
      artifactDigest = crypto.createHash('sha256').update(artifact).digest('hex');
    }
  }

  const content = bundle.content;
  if (content.$case === 'messageSignature') {
    if (artifact === undefined) {
      fail('error: a messageSignature bundle needs the artifact file (the library verifies over its bytes)');
    }
    const md = content.messageSignature.messageDigest;
    if (Buffer.from(md.digest).toString('hex') !== artifactDigest) {
      fail('error: the bundle messageDigest does not match the artifact');
    }
  }

  // tlog/ctlog/timestamp thresholds default to 1 each; a key-signed bundle has
  // none of them, so all three are set to 0 (option names from verifier.d.ts).
  const verifier = new Verifier(trustMaterial, {
    tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0,
  });
  verifier.verify(toSignedEntity(bundle, artifact));

  if (content.$case === 'dsseEnvelope' && artifactDigest !== undefined) {
    const env = content.dsseEnvelope;
    if (env.payloadType !== 'application/vnd.in-toto+json') {
      fail(`error: DSSE payloadType is ${env.payloadType}, not an in-toto statement`);
    }
    const statement = JSON.parse(Buffer.from(env.payload).toString('utf8'));
    const subjects = Array.isArray(statement.subject) ? statement.subject : [];
    if (!subjects.some((s) => String(s?.digest?.sha256 ?? '').toLowerCase() === artifactDigest)) {
      fail(`error: no in-toto subject has sha256 ${artifactDigest}`);
    }
  }
  process.stdout.write('verified\n');
  process.exit(0);
} catch (e) {
  const code = e && e.code ? `${e.code}: ` : '';
  fail(`error: ${code}${e && e.message ? e.message : String(e)}`);
}
