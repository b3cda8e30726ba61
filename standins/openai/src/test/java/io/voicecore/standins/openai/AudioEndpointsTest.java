package io.voicecore.standins.openai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.audio.AudioResponseFormat;
import com.openai.models.audio.speech.SpeechCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateParams;
import com.openai.models.audio.transcriptions.TranscriptionCreateResponse;
import com.openai.models.audio.transcriptions.TranscriptionVerbose;

/**
 * The audio endpoints driven by the official OpenAI Java client over real HTTP: uploads it builds are accepted,
 * what the stand-in answers is parsed, and what the API refuses is refused in the API's error shape.
 */
class AudioEndpointsTest {
    private static final String KEY = "sk-test-audio-key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenAiStandIn standIn;
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path folder;

    @BeforeAll
    static void start() {
        standIn = OpenAiStandIn.start(0, Set.of(KEY));
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @BeforeEach
    void reset() throws Exception {
        assertEquals(204, post("/standin/reset", "application/json", "{}".getBytes()).statusCode());
    }

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().apiKey(key).baseUrl(standIn.baseUrl()).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
    }

    /** A 16 kHz mono WAV of a 440 Hz tone: what a recorded caller's line could hold. */
    private Path toneWav(String name, double seconds) throws Exception {
        int rate = 16_000;
        int samples = (int) (rate * seconds);
        ByteBuffer data = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < samples; i++) {
            data.putShort((short) (8_000 * Math.sin(2 * Math.PI * 440 * i / rate)));
        }
        ByteBuffer file = ByteBuffer.allocate(44 + data.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        file.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.capacity())
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.capacity())
                .put(data.array());
        Path wav = folder.resolve(name);
        Files.write(wav, file.array());
        return wav;
    }

    @Test
    void transcriptionsAnswerTheScriptedTextsInOrderThenTheDefault() throws Exception {
        standIn.scriptTranscriptions(List.of("Quiero una cita para el martes", "A las diez"));
        Path wav = toneWav("caller.wav", 1.5);
        OpenAIClient client = client(KEY);
        // A file parameter is read once: each request gets its own.
        Supplier<TranscriptionCreateParams> params = () -> TranscriptionCreateParams.builder().file(wav)
                .model("whisper-1").language("es").build();

        assertEquals("Quiero una cita para el martes", client.audio().transcriptions().create(params.get())
                .asTranscription().text());
        assertEquals("A las diez", client.audio().transcriptions().create(params.get()).asTranscription().text());
        assertEquals(AudioEndpoints.DEFAULT_TRANSCRIPTION,
                     client.audio().transcriptions().create(params.get()).asTranscription().text());
        standIn.defaultTranscription("Nothing scripted");
        assertEquals("Nothing scripted", client.audio().transcriptions().create(params.get()).asTranscription().text());

        RecordedRequest first = standIn.requests().get(0);
        assertEquals("/v1/audio/transcriptions", first.path());
        assertEquals(200, first.status());
        assertEquals("whisper-1", first.body().path("model").asText());
        assertEquals("es", first.body().path("language").asText());
        assertEquals("caller.wav", first.body().path("file").path("filename").asText());
        assertEquals(Files.size(wav), first.body().path("file").path("bytes").asLong());
        assertEquals("Quiero una cita para el martes", first.body().path("transcribedAs").asText());
        assertTrue(first.headers().get("content-type").startsWith("multipart/form-data"));
    }

    @Test
    void verboseJsonCarriesTheDurationOfTheWaveFileAndTheLanguageName() throws Exception {
        standIn.scriptTranscriptions(List.of("Buenos días"));
        TranscriptionCreateResponse response = client(KEY).audio().transcriptions().create(
                TranscriptionCreateParams.builder().file(toneWav("two-seconds.wav", 2.0)).model("whisper-1")
                        .language("es").responseFormat(AudioResponseFormat.VERBOSE_JSON).build());

        TranscriptionVerbose verbose = response.asVerbose();
        assertEquals("Buenos días", verbose.text());
        assertEquals("spanish", verbose.language());
        assertEquals(2.0, verbose.duration(), 1e-6);
        assertEquals(1, verbose.segments().orElseThrow().size());
        assertEquals(2.0, verbose.segments().orElseThrow().get(0).end(), 1e-6);
    }

    @Test
    void textSrtAndVttFormatsAnswerPlainText() throws Exception {
        standIn.scriptTranscriptions(List.of("Hola", "Adiós", "Gracias"));
        byte[] wav = Files.readAllBytes(toneWav("short.wav", 0.5));

        HttpResponse<String> text = upload(multipart(wav, "short.wav", "whisper-1", "text"));
        assertEquals(200, text.statusCode());
        assertEquals("Hola\n", text.body());
        assertTrue(text.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));

        assertEquals("1\n00:00:00,000 --> 00:00:00,500\nAdiós\n\n",
                     upload(multipart(wav, "short.wav", "whisper-1", "srt")).body());
        assertEquals("WEBVTT\n\n00:00:00.000 --> 00:00:00.500\nGracias\n\n",
                     upload(multipart(wav, "short.wav", "whisper-1", "vtt")).body());
    }

    @Test
    void refusesWhatTheApiRefusesInItsErrorShape() throws Exception {
        byte[] wav = Files.readAllBytes(toneWav("ok.wav", 0.3));

        assertError(upload(multipart(null, null, "whisper-1", null)), 400, "Missing required parameter: 'file'.",
                    "file");
        assertError(upload(multipart(wav, "ok.wav", null, null)), 400, "you must provide a model parameter", null);
        assertError(upload(multipart(wav, "voice.txt", "whisper-1", null)), 400,
                    "Invalid file format. Supported formats: ['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga',"
                    + " 'ogg', 'wav', 'webm']", null);
        assertError(upload(multipart("not a wave file".getBytes(), "broken.wav", "whisper-1", null)), 400,
                    "The audio file could not be decoded or its format is not supported.", null);
        assertError(upload(multipart(wav, "ok.wav", "whisper-1", "xml")), 400,
                    "Invalid value: 'xml'. Supported values are: 'json', 'text', 'srt', 'verbose_json', 'vtt'.",
                    "response_format");
        assertError(upload(multipart(wav, "ok.wav", "gpt-4o-transcribe", "verbose_json")), 400,
                    "response_format 'verbose_json' is not compatible with model 'gpt-4o-transcribe'. Use 'json' or"
                    + " 'text'.", "response_format");

        HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(standIn.baseUrl()
                                                                                + "/audio/transcriptions"))
                                                      .header("Authorization", "Bearer " + KEY)
                                                      .header("Content-Type", "application/json")
                                                      .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"whisper-1\"}"))
                                                      .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, json.statusCode());
        assertTrue(JSON.readTree(json.body()).path("error").path("message").asText()
                           .startsWith("Invalid Content-Type header (application/json), expected multipart/form-data"));

        BadRequestException refused = assertThrows(BadRequestException.class, () -> client(KEY).audio().transcriptions()
                .create(TranscriptionCreateParams.builder().file("RIFF....".getBytes()).model("whisper-1")
                                .build()));
        assertEquals("invalid_request_error", refused.type().orElseThrow());
        // Nothing refused used up a scripted text.
        standIn.scriptTranscriptions(List.of("kept"));
        assertEquals("kept", client(KEY).audio().transcriptions().create(TranscriptionCreateParams.builder()
                .file(folder.resolve("ok.wav")).model("whisper-1").build()).asTranscription().text());
    }

    @Test
    void aWrongKeyIsRefusedOnBothAudioEndpoints() {
        UnauthorizedException transcription = assertThrows(UnauthorizedException.class, () -> client("sk-wrong").audio()
                .transcriptions().create(TranscriptionCreateParams.builder().file(toneWav("k.wav", 0.2))
                                                 .model("whisper-1").build()));
        assertEquals("invalid_api_key", transcription.code().orElseThrow());
        UnauthorizedException speech = assertThrows(UnauthorizedException.class, () -> client("sk-wrong").audio()
                .speech().create(speak("Hello", SpeechCreateParams.ResponseFormat.WAV)));
        assertEquals("invalid_api_key", speech.code().orElseThrow());
        assertFalse(standIn.requests().get(0).authorized());
    }

    @Test
    void speechAsWavIsA24KilohertzMonoFileThatGrowsWithTheInput() throws Exception {
        byte[] shortWav = speech(speak("Hola", SpeechCreateParams.ResponseFormat.WAV), "audio/wav");
        byte[] longWav = speech(speak("Hola, le atiende la recepción de la Clínica Dental Sonrisas. ¿En qué puedo"
                                      + " ayudarle?", SpeechCreateParams.ResponseFormat.WAV), "audio/wav");

        ByteBuffer header = ByteBuffer.wrap(longWav).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("RIFF", new String(longWav, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(longWav.length - 8, header.getInt(4));
        assertEquals("WAVE", new String(longWav, 8, 4, StandardCharsets.US_ASCII));
        assertEquals(1, header.getShort(20), "PCM");
        assertEquals(1, header.getShort(22), "mono");
        assertEquals(24_000, header.getInt(24));
        assertEquals(16, header.getShort(34));
        assertEquals(longWav.length - 44, header.getInt(40));
        double shortSeconds = SpeechAudio.wavSeconds(shortWav);
        double longSeconds = SpeechAudio.wavSeconds(longWav);
        assertTrue(longSeconds > 4 * shortSeconds, shortSeconds + " s then " + longSeconds + " s");
        assertTrue(longSeconds > 3 && longSeconds < 10, longSeconds + " s");
        assertTrue(peak(longWav, 44) > 5_000, "real audio, not silence");
    }

    @Test
    void speechAsPcmIsRaw16BitSamplesAndSpeedShortensIt() throws Exception {
        String input = "Su cita queda confirmada para el martes a las diez";
        byte[] normal = speech(speak(input, SpeechCreateParams.ResponseFormat.PCM), "audio/pcm");
        byte[] faster = speech(speak(input, SpeechCreateParams.ResponseFormat.PCM).toBuilder().speed(2.0).build(),
                               "audio/pcm");

        assertEquals(0, normal.length % 2);
        double seconds = normal.length / 2.0 / 24_000;
        assertEquals(input.length() * SpeechAudio.SECONDS_PER_CHARACTER, seconds, 0.01);
        assertEquals(normal.length / 2.0, faster.length, 4);
        assertTrue(peak(normal, 0) > 5_000);
        // The same request gives the same bytes.
        assertArrayEquals(normal, speech(speak(input, SpeechCreateParams.ResponseFormat.PCM), "audio/pcm"));

        JsonNode logged = standIn.requests().get(0).body();
        assertEquals(input, logged.path("input").asText());
        assertEquals("pcm", logged.path("response_format").asText());
    }

    @Test
    void scriptedAudioFailuresAnswerCheckedRequestsInTurnThenAudioFlowsAgain() throws Exception {
        standIn.scriptAudio(List.of(ScriptStep.fail(503), ScriptStep.fail(429).retryAfter(2)));
        standIn.scriptTranscriptions(List.of("Hola"));
        Path wav = toneWav("caller.wav", 0.5);
        // A new upload each time: the client reads the file's stream once.
        Supplier<TranscriptionCreateParams> transcription = () -> TranscriptionCreateParams.builder().file(wav).model("whisper-1")
                .build();

        InternalServerException failed = assertThrows(InternalServerException.class,
                                                      () -> client(KEY).audio().transcriptions().create(transcription.get()));
        assertEquals(503, failed.statusCode());
        // A request the checks refuse does not take a step.
        assertError(postJson("/audio/speech", "{\"model\":\"tts-1\",\"voice\":\"alloy\",\"response_format\":\"wav\"}"),
                    400, "Missing required parameter: 'input'.", "input");
        RateLimitException limited = assertThrows(RateLimitException.class, () -> client(KEY).audio().speech()
                .create(speak("Hola", SpeechCreateParams.ResponseFormat.PCM)));
        assertEquals(List.of("2"), limited.headers().values("retry-after"));

        assertEquals("Hola", client(KEY).audio().transcriptions().create(transcription.get()).asTranscription().text());
        assertEquals(List.of(503, 400, 429, 200), standIn.requests().stream().map(RecordedRequest::status).toList());
        assertEquals(0.5, standIn.requests().get(0).body().path("file").path("seconds").asDouble(), 0.001);
        assertThrows(IllegalArgumentException.class, () -> standIn.scriptAudio(List.of(ScriptStep.reply("not audio"))));
    }

    @Test
    void compressedFormatsAndBadRequestsAreRefused() throws Exception {
        BadRequestException mp3 = assertThrows(BadRequestException.class, () -> client(KEY).audio().speech()
                .create(speak("Hola", SpeechCreateParams.ResponseFormat.MP3)));
        assertTrue(mp3.getMessage().contains("produces 'wav' and 'pcm' audio only"), mp3.getMessage());
        assertEquals("response_format", mp3.param().orElseThrow());

        assertError(postJson("/audio/speech", "{\"model\":\"tts-1\",\"voice\":\"alloy\",\"response_format\":\"wav\"}"),
                    400, "Missing required parameter: 'input'.", "input");
        assertError(postJson("/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"robot\"}"), 400,
                    "Invalid value: 'robot'. Supported values are: 'alloy', 'ash', 'ballad', 'coral', 'echo', 'fable',"
                    + " 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'.", "voice");
        assertError(postJson("/audio/speech", "{\"input\":\"Hi\",\"voice\":\"alloy\"}"), 400,
                    "you must provide a model parameter", null);
        assertError(postJson("/audio/speech", "{\"model\":\"tts-1\",\"input\":\"" + "a".repeat(4097)
                                              + "\",\"voice\":\"alloy\",\"response_format\":\"wav\"}"), 400,
                    "Invalid 'input': string too long. Expected a string with maximum length 4096, but got a string"
                    + " with length 4097 instead.", "input");
        assertError(postJson("/audio/speech", "{\"model\":\"tts-1\",\"input\":\"Hi\",\"voice\":\"alloy\","
                                              + "\"response_format\":\"wav\",\"speed\":9}"), 400,
                    "Invalid 'speed': must be a number between 0.25 and 4.0.", "speed");
    }

    @Test
    void theTranscriptionQueueCanBeScriptedOverHttp() throws Exception {
        HttpResponse<String> scripted = post("/standin/transcriptions", "application/json",
                                             "{\"texts\":[\"Primera\"],\"defaultText\":\"Por defecto\"}".getBytes());
        assertEquals(200, scripted.statusCode(), scripted.body());
        assertEquals(1, JSON.readTree(scripted.body()).path("queued").asInt());
        Path wav = toneWav("q.wav", 0.2);
        Supplier<TranscriptionCreateParams> params = () -> TranscriptionCreateParams.builder().file(wav)
                .model("gpt-4o-mini-transcribe").build();
        assertEquals("Primera", client(KEY).audio().transcriptions().create(params.get()).asTranscription().text());
        assertEquals("Por defecto", client(KEY).audio().transcriptions().create(params.get()).asTranscription().text());

        HttpResponse<String> invalid = post("/standin/transcriptions", "application/json", "{\"texts\":[1]}".getBytes());
        assertEquals(400, invalid.statusCode());
        assertTrue(invalid.body().contains("every text must be a string"), invalid.body());
    }

    private static SpeechCreateParams speak(String input, SpeechCreateParams.ResponseFormat format) {
        return SpeechCreateParams.builder().model("gpt-4o-mini-tts").voice("coral").input(input)
                .responseFormat(format).build();
    }

    private byte[] speech(SpeechCreateParams params, String contentType) throws Exception {
        try (com.openai.core.http.HttpResponse response = client(KEY).audio().speech().create(params);
             InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            assertEquals(contentType, response.headers().values("content-type").get(0));
            return body.readAllBytes();
        }
    }

    private static int peak(byte[] pcm, int offset) {
        ByteBuffer samples = ByteBuffer.wrap(pcm, offset, pcm.length - offset).order(ByteOrder.LITTLE_ENDIAN);
        int peak = 0;
        while (samples.remaining() >= 2) {
            peak = Math.max(peak, Math.abs(samples.getShort()));
        }
        return peak;
    }

    private static void assertError(HttpResponse<String> response, int status, String message, String param)
            throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals(message, error.path("message").asText());
        assertEquals("invalid_request_error", error.path("type").asText());
        assertTrue(error.has("param") && error.has("code"), response.body());
        if (param == null) {
            assertTrue(error.path("param").isNull(), response.body());
        } else {
            assertEquals(param, error.path("param").asText());
        }
    }

    /** A multipart body as curl -F would send it; a null leaves that field out. */
    private static Multipart multipart(byte[] file, String filename, String model, String responseFormat) {
        String boundary = "----standin-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (file != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                             + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes());
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes());
        }
        if (model != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n" + model
                             + "\r\n").getBytes());
        }
        if (responseFormat != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\n"
                             + responseFormat + "\r\n").getBytes());
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes());
        return new Multipart("multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private record Multipart(String contentType, byte[] body) {
    }

    private HttpResponse<String> upload(Multipart form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(standIn.baseUrl() + "/audio/transcriptions"))
                                 .header("Authorization", "Bearer " + KEY).header("Content-Type", form.contentType())
                                 .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(standIn.baseUrl() + path))
                                 .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                                 .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + standIn.port() + path))
                                 .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                 .build(), HttpResponse.BodyHandlers.ofString());
    }
}
