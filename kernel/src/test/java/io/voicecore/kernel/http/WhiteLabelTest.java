package io.voicecore.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a white label reads a host and rewrites the kernel's texts. */
class WhiteLabelTest {

    @Test
    void aHostIsReadWithoutPortCaseOrTrailingDot() {
        assertEquals("reception.nordic.example", WhiteLabel.hostOf("Reception.Nordic.Example:8443"));
        assertEquals("reception.nordic.example", WhiteLabel.hostOf(" reception.nordic.example. "));
        assertEquals("[::1]", WhiteLabel.hostOf("[::1]:8080"));
        assertEquals("", WhiteLabel.hostOf(null));
    }

    @Test
    void theKernelsTextsNameTheProductInsteadOfThePlatform() {
        assertEquals("urn:problem:validation", WhiteLabel.relabel("urn:voicecore:problem:validation", "Nordic Reception"));
        assertEquals("urn:plugin:crm:contact-missing", WhiteLabel.relabel("urn:voicecore:plugin:crm:contact-missing", "Nordic"));
        assertEquals("Nordic $1 API for Nordic $1", WhiteLabel.relabel("VoiceCore API for voicecore", "Nordic $1"),
                     "a product name is inserted as it is, not read as a pattern");
    }
}
