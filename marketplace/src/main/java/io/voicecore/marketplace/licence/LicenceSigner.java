package io.voicecore.marketplace.licence;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Objects;

/**
 * The marketplace's side: turns a {@link Licence} into a token with one of its Ed25519 private keys. Ed25519 is
 * deterministic, so the same licence and key always give the same token. Thread-safe.
 */
public final class LicenceSigner {
    private final String keyId;
    private final PrivateKey privateKey;

    /**
     * A signer with one of the marketplace's keys.
     *
     * @param keyId      the id under which kernel nodes trust the matching public key; every licence signed here
     *                   must name it
     * @param privateKey an Ed25519 private key, e.g. from {@link LicenceKeys#generate()} or
     *                   {@link LicenceKeys#decodePrivateKey(String)}
     * @throws IllegalArgumentException when the key id is malformed or the key is not Ed25519
     */
    public LicenceSigner(String keyId, PrivateKey privateKey) {
        Objects.requireNonNull(keyId, "keyId");
        if (!Licence.KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("keyId must match " + Licence.KEY_ID.pattern() + ": '" + keyId + "'");
        }
        LicenceKeys.requireEd25519(privateKey);
        this.keyId = keyId;
        this.privateKey = privateKey;
    }

    /** The key id licences signed here must carry. */
    public String keyId() {
        return keyId;
    }

    /**
     * The token of the licence: {@code vcl1.<base64url(payload)>.<base64url(signature)>}.
     *
     * @throws IllegalArgumentException when the licence names another key id than this signer's: a token must say
     *                                  truthfully which key signed it
     */
    public String sign(Licence licence) {
        Objects.requireNonNull(licence, "licence");
        if (!licence.keyId().equals(keyId)) {
            throw new IllegalArgumentException("the licence names key '" + licence.keyId() + "', this signer holds '"
                                               + keyId + "'");
        }
        String signedPart = TokenFormat.signedPart(LicencePayload.encode(licence));
        byte[] signature;
        try {
            Signature ed25519 = Signature.getInstance(LicenceKeys.ALGORITHM);
            ed25519.initSign(privateKey);
            ed25519.update(TokenFormat.ascii(signedPart));
            signature = ed25519.sign();
        } catch (GeneralSecurityException failed) {
            throw new IllegalStateException("Ed25519 signing failed", failed);
        }
        String token = TokenFormat.token(signedPart, signature);
        // Cannot happen within a licence's limits; checked so a signer never hands out a token verifiers refuse.
        if (token.length() > TokenFormat.MAX_LENGTH) {
            throw new IllegalStateException("token of " + token.length() + " characters exceeds " + TokenFormat.MAX_LENGTH);
        }
        return token;
    }
}
