package io.voicecore.voice;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Twilio, as far as the tests need it: it posts a call's webhooks as Twilio does (form parameters, signed with
 * {@code X-Twilio-Signature} over the URL and the sorted parameters with the account's auth token) and follows the TwiML
 * it gets back, posting to the URLs the TwiML names. Small on purpose: a caller that says things, presses keys, stays
 * silent, and the events Twilio reports (a transfer's outcome, a recording, a transcription, the end of the call).
 */
final class TwilioCaller {
    static final String ACCOUNT_SID = "AC" + "0".repeat(32);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String incomingUrl;
    private final String authToken;

    /**
     * @param incomingUrl the number's voice webhook, e.g. {@code http://127.0.0.1:8080/api/v1/tenants/acme/voice/twilio/incoming}
     * @param authToken   the account's auth token, which signs every request
     */
    TwilioCaller(String incomingUrl, String authToken) {
        this.incomingUrl = incomingUrl;
        this.authToken = authToken;
    }

    static String newCallSid() {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return "CA" + HexFormat.of().formatHex(random);
    }

    /** A call from {@code from} to {@code to}: Twilio posts the incoming webhook. */
    Call call(String from, String to) {
        return new Call(newCallSid(), from, to);
    }

    /** Posts form parameters to a URL, signed with {@code token} for that URL and those parameters. */
    static Answer post(String url, Map<String, String> params, String token) {
        return postWithSignature(url, params, sign(token, url, params));
    }

    /** Posts form parameters to a URL with this {@code X-Twilio-Signature} (none when null), right or wrong. */
    static Answer postWithSignature(String url, Map<String, String> params, String signature) {
        String body = params.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String sign(String token, String url, Map<String, String> params) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        params.forEach((name, value) -> multi.put(name, List.of(value)));
        return TwilioSignature.sign(token, url, multi);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** One call in progress, as Twilio holds it. */
    final class Call {
        final String sid;
        final String from;
        final String to;
        Answer last;

        private Call(String sid, String from, String to) {
            this.sid = sid;
            this.from = from;
            this.to = to;
        }

        /** The parameters Twilio sends with every webhook of the call, and more. */
        Map<String, String> params(Map<String, String> more) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("AccountSid", ACCOUNT_SID);
            params.put("ApiVersion", "2010-04-01");
            params.put("CallSid", sid);
            params.put("CallStatus", "in-progress");
            params.put("Called", to);
            params.put("Caller", from);
            params.put("Direction", "inbound");
            params.put("From", from);
            params.put("To", to);
            params.putAll(more);
            return params;
        }

        /** The call comes in. */
        Answer ring() {
            return send(incomingUrl, Map.of("CallStatus", "ringing"));
        }

        /** The caller says something, recognised with {@code confidence}, in answer to the last {@code <Gather>}. */
        Answer say(String speech, double confidence) {
            return send(last.gather().action(), Map.of("SpeechResult", speech, "Confidence", String.valueOf(confidence)));
        }

        /** The caller says nothing until the last {@code <Gather>} times out. */
        Answer silence() {
            return send(last.gather().action(), Map.of());
        }

        /** The caller presses keys in answer to the last {@code <Gather>}. */
        Answer press(String digits) {
            return send(last.gather().action(), Map.of("Digits", digits));
        }

        /** The {@code <Gather>} of the last answer timed out, and Twilio went on to its {@code <Redirect>}. */
        Answer redirected() {
            return send(last.redirect(), Map.of());
        }

        /** The transfer of the last {@code <Dial>} ended with {@code status} ({@code completed}, {@code no-answer}, {@code busy}). */
        Answer dialled(String status, int seconds) {
            return send(last.dial().action(), Map.of("DialCallStatus", status, "DialCallDuration", String.valueOf(seconds),
                                                     "DialCallSid", newCallSid()));
        }

        /** The person the last {@code <Dial>} rang answers: Twilio asks the number's whisper URL, for the child call. */
        Answer whisper() {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("AccountSid", ACCOUNT_SID);
            params.put("CallSid", newCallSid());
            params.put("ParentCallSid", sid);
            params.put("CallStatus", "in-progress");
            params.put("Direction", "outbound-dial");
            params.put("From", from);
            params.put("To", last.dial().number());
            String url = last.dial().url();
            Answer answer = post(url, params, authToken);
            return answer;
        }

        /** The caller left a voicemail of {@code seconds} after the last {@code <Record>}. */
        Answer recorded(int seconds) {
            return send(last.record().action(), Map.of("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT_SID
                                                       + "/Recordings/RE" + "1".repeat(32), "RecordingDuration", String.valueOf(seconds),
                                                       "RecordingSid", "RE" + "1".repeat(32), "Digits", "hangup"));
        }

        /** Twilio transcribed the voicemail of the call's {@code <Record>}. */
        Answer transcribed(String recordUrl, String text) {
            return send(recordUrl, Map.of("TranscriptionStatus", "completed", "TranscriptionText", text,
                                          "TranscriptionSid", "TR" + "2".repeat(32), "RecordingSid", "RE" + "1".repeat(32)));
        }

        /** The call is over after {@code seconds}: Twilio's status callback. */
        Answer completed(String statusUrl, int seconds) {
            return send(statusUrl, Map.of("CallStatus", "completed", "CallDuration", String.valueOf(seconds)));
        }

        Answer send(String url, Map<String, String> more) {
            last = post(url, params(more), authToken);
            return last;
        }
    }

    /** An answer to a webhook: its status, content type and body, read as TwiML when it is some. */
    record Answer(int status, String contentType, String body) {

        Document twiml() {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new AssertionError("not TwiML (" + status + "): " + body, e);
            }
        }

        /** @return the text of every {@code <Say>}, in order, inside a {@code <Gather>} or not */
        List<String> says() {
            List<String> says = new ArrayList<>();
            NodeList nodes = twiml().getElementsByTagName("Say");
            for (int i = 0; i < nodes.getLength(); i++) {
                says.add(nodes.item(i).getTextContent());
            }
            return says;
        }

        /** @return every {@code <Say>}'s language */
        List<String> sayLanguages() {
            List<String> languages = new ArrayList<>();
            NodeList nodes = twiml().getElementsByTagName("Say");
            for (int i = 0; i < nodes.getLength(); i++) {
                languages.add(((Element) nodes.item(i)).getAttribute("language"));
            }
            return languages;
        }

        /** @return the names of the top-level verbs, in order */
        List<String> verbs() {
            List<String> verbs = new ArrayList<>();
            NodeList nodes = twiml().getDocumentElement().getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                    verbs.add(nodes.item(i).getNodeName());
                }
            }
            return verbs;
        }

        Optional<Element> element(String name) {
            NodeList nodes = twiml().getElementsByTagName(name);
            return nodes.getLength() == 0 ? Optional.empty() : Optional.of((Element) nodes.item(0));
        }

        Gather gather() {
            Element gather = element("Gather").orElseThrow(() -> new AssertionError("no <Gather> in " + body));
            return new Gather(gather.getAttribute("action"), gather.getAttribute("language"), gather.getAttribute("input"),
                              gather.getAttribute("numDigits"));
        }

        Dial dial() {
            Element dial = element("Dial").orElseThrow(() -> new AssertionError("no <Dial> in " + body));
            Element noun = (Element) (dial.getElementsByTagName("Number").getLength() > 0 ? dial.getElementsByTagName("Number").item(0)
                    : dial.getElementsByTagName("Sip").item(0));
            return new Dial(dial.getAttribute("action"), dial.getAttribute("record"), noun.getNodeName(), noun.getTextContent(),
                            noun.getAttribute("url"));
        }

        Record record() {
            Element record = element("Record").orElseThrow(() -> new AssertionError("no <Record> in " + body));
            return new Record(record.getAttribute("action"), record.getAttribute("transcribe"), record.getAttribute("transcribeCallback"));
        }

        String redirect() {
            return element("Redirect").orElseThrow(() -> new AssertionError("no <Redirect> in " + body)).getTextContent();
        }

        boolean hangsUp() {
            return element("Hangup").isPresent();
        }
    }

    record Gather(String action, String language, String input, String numDigits) {
    }

    record Dial(String action, String record, String kind, String number, String url) {
    }

    record Record(String action, String transcribe, String transcribeCallback) {
    }
}
