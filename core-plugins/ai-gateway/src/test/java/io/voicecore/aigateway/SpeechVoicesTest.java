package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.voicecore.aigateway.api.Speech;
import org.junit.jupiter.api.Test;

class SpeechVoicesTest {

    @Test
    void theManifestOffersTheVoicesTheServiceAccepts() throws IOException {
        String manifest;
        try (InputStream in = getClass().getResourceAsStream("/plugin.yaml")) {
            manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher voices = Pattern.compile("speechVoice:\\n(?:\\s+#.*\\n|\\s+\\w+:.*\\n)*?\\s+values: \\[([^\\]]+)]").matcher(manifest);
        assertTrue(voices.find(), "speechVoice's values in plugin.yaml");
        assertEquals(Speech.VOICES, Arrays.stream(voices.group(1).split(",")).map(String::strip).toList());
        assertTrue(Speech.VOICES.contains(GatewaySettings.DEFAULT_SPEECH_VOICE));
    }

    @Test
    void instructionsNameTheLanguageForModelsThatTakeThem() {
        assertEquals(Optional.of("Speak in Spanish, clearly and warmly, at a natural pace for a phone call."),
                     GatewaySpeech.instructions("gpt-4o-mini-tts", "es"));
        assertEquals(Optional.empty(), GatewaySpeech.instructions("tts-1-hd", "es"));
    }
}
