package io.voicecore.sdk;

import java.util.Objects;
import java.util.Optional;

/**
 * The brand a tenant is served under, as the plugin reads it in {@link PluginContext#branding()}: the platform's
 * own, or that of the reseller who sells the platform to the tenant under its own name. A plugin that names the
 * product, introduces an assistant or sends messages on the tenant's behalf uses it instead of fixed names, so a
 * reseller's customers never see the platform's name.
 *
 * <pre>{@code
 * String name = context.config().string("assistantName").orElse(context.branding().assistantName());
 * }</pre>
 *
 * @param productName   the product's name, e.g. in a message's footer
 * @param assistantName the name the tenant's assistant introduces itself with, unless the tenant chose another
 * @param supportEmail  where the tenant's users get help; empty when the brand names none
 * @param senderName    the name messages are sent under, e.g. an e-mail's sender
 * @since SDK 1.4
 */
public record Branding(String productName, String assistantName, Optional<String> supportEmail, String senderName) {

    /** The platform's own branding: what a tenant served directly by the platform sees. */
    public static final Branding PLATFORM = new Branding("VoiceCore", "Ava", Optional.empty(), "VoiceCore");

    /**
     * Checks the components.
     *
     * @throws NullPointerException     when a component is null
     * @throws IllegalArgumentException when a name is blank
     */
    public Branding {
        Objects.requireNonNull(productName, "productName");
        Objects.requireNonNull(assistantName, "assistantName");
        Objects.requireNonNull(supportEmail, "supportEmail");
        Objects.requireNonNull(senderName, "senderName");
        if (productName.isBlank() || assistantName.isBlank() || senderName.isBlank()) {
            throw new IllegalArgumentException("a branding's names must not be blank");
        }
    }
}
