package io.voicecore.voice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.voicecore.sdk.Response;

/**
 * A TwiML document, the answer to each of Twilio's voice webhooks: the verbs Twilio carries out in order
 * ({@code <Say>}, {@code <Gather>}, {@code <Dial>}, {@code <Record>}, {@code <Redirect>}, {@code <Pause>},
 * {@code <Hangup>}). Text and attribute values are escaped.
 */
final class Twiml {
    static final String CONTENT_TYPE = "text/xml; charset=utf-8";

    private final StringBuilder xml = new StringBuilder();

    private Twiml() {
    }

    /** @param verbs the verbs of the document, in order @return the document */
    static Twiml response(Consumer<Twiml> verbs) {
        Twiml twiml = new Twiml();
        verbs.accept(twiml);
        return twiml;
    }

    /** Says a text in a language, with a voice when one is configured for it. */
    Twiml say(String text, Speech speech) {
        Map<String, String> attributes = new LinkedHashMap<>();
        speech.voice().ifPresent(voice -> attributes.put("voice", voice));
        attributes.put("language", speech.languageCode());
        return element("Say", attributes, escape(text));
    }

    /**
     * Listens for speech and keys; Twilio posts what it heard to {@code action}, also when it heard nothing
     * ({@code actionOnEmptyResult}), so that silence is counted too.
     *
     * @param numDigits for a keypad menu, the number of keys that ends the input; 0 for none
     */
    Twiml gather(String action, Speech speech, int timeoutSeconds, int numDigits, Consumer<Twiml> prompt) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("input", "speech dtmf");
        attributes.put("language", speech.languageCode());
        attributes.put("action", action);
        attributes.put("method", "POST");
        attributes.put("speechTimeout", "auto");
        attributes.put("timeout", String.valueOf(timeoutSeconds));
        if (numDigits > 0) {
            attributes.put("numDigits", String.valueOf(numDigits));
        }
        attributes.put("actionOnEmptyResult", "true");
        Twiml inner = response(prompt);
        return element("Gather", attributes, inner.xml.toString());
    }

    /**
     * Puts the caller through to a number in E.164 or a SIP address; the person answering first hears the TwiML at
     * {@code whisperUrl}. Twilio posts the outcome ({@code DialCallStatus}) to {@code action}.
     *
     * @param record whether to record the call from the answer (only after the caller was told)
     */
    Twiml dial(String action, int timeoutSeconds, String target, String whisperUrl, boolean record) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("action", action);
        attributes.put("method", "POST");
        attributes.put("timeout", String.valueOf(timeoutSeconds));
        if (record) {
            attributes.put("record", "record-from-answer-dual");
        }
        boolean sip = target.startsWith("sip:") || target.startsWith("sips:");
        Map<String, String> noun = new LinkedHashMap<>();
        noun.put("url", whisperUrl);
        noun.put("method", "POST");
        String inner = "<" + (sip ? "Sip" : "Number") + attributes(noun) + ">" + escape(target) + "</" + (sip ? "Sip" : "Number") + ">";
        return element("Dial", attributes, inner);
    }

    /** Records a voicemail after a beep; Twilio posts the recording to {@code action} and, later, its transcription. */
    Twiml record(String action, String transcribeCallback, int maxLengthSeconds) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("action", action);
        attributes.put("method", "POST");
        attributes.put("maxLength", String.valueOf(maxLengthSeconds));
        attributes.put("playBeep", "true");
        attributes.put("finishOnKey", "#");
        attributes.put("transcribe", "true");
        attributes.put("transcribeCallback", transcribeCallback);
        return element("Record", attributes, null);
    }

    /**
     * Connects the call to a bidirectional media stream (Twilio's Media Streams): the caller's audio goes to
     * {@code streamUrl}, which sends back what the caller hears. When the stream ends Twilio posts to {@code action}.
     *
     * @param parameters custom parameters, sent to the stream in its {@code start} message
     */
    Twiml connectStream(String action, String streamUrl, Map<String, String> parameters) {
        StringBuilder inner = new StringBuilder();
        parameters.forEach((name, value) -> {
            Map<String, String> parameter = new LinkedHashMap<>();
            parameter.put("name", name);
            parameter.put("value", value);
            inner.append("<Parameter").append(attributes(parameter)).append("/>");
        });
        Map<String, String> connect = new LinkedHashMap<>();
        connect.put("action", action);
        connect.put("method", "POST");
        return element("Connect", connect, "<Stream" + attributes(Map.of("url", streamUrl)) + ">" + inner + "</Stream>");
    }

    Twiml redirect(String url) {
        return element("Redirect", Map.of("method", "POST"), escape(url));
    }

    Twiml pause(int seconds) {
        return element("Pause", Map.of("length", String.valueOf(seconds)), null);
    }

    Twiml hangup() {
        return element("Hangup", Map.of(), null);
    }

    /** @return the document */
    String text() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + xml + "</Response>";
    }

    /** @return the document as the webhook's answer, {@code text/xml} */
    Response toResponse() {
        return Response.text(200, CONTENT_TYPE, text());
    }

    private Twiml element(String name, Map<String, String> attributes, String content) {
        xml.append('<').append(name).append(attributes(attributes));
        if (content == null) {
            xml.append("/>");
        } else {
            xml.append('>').append(content).append("</").append(name).append('>');
        }
        return this;
    }

    private static String attributes(Map<String, String> attributes) {
        StringBuilder text = new StringBuilder();
        attributes.forEach((name, value) -> text.append(' ').append(name).append("=\"").append(escape(value)).append('"'));
        return text.toString();
    }

    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> {
                    // Control characters other than tab and line breaks are not allowed in XML 1.0.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }

    /**
     * How to speak and listen in one language.
     *
     * @param languageCode Twilio's language, e.g. {@code es-ES}
     * @param voice        the Say voice, e.g. {@code Polly.Lucia}; empty for Twilio's default
     */
    record Speech(String languageCode, Optional<String> voice) {
    }
}
