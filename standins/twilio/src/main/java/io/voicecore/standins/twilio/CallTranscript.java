package io.voicecore.standins.twilio;

import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Everything that happened on a call, in order: every request and answer, every verb followed, what was said, the
 * Media Streams with their recordings, and how it ended.
 */
public final class CallTranscript {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String callSid;
    private final List<CallEvent> events;
    private final List<StreamRecording> streams;
    private final CallEvent.CallEnded ended;

    CallTranscript(String callSid, List<CallEvent> events, List<StreamRecording> streams) {
        this.callSid = callSid;
        this.events = List.copyOf(events);
        this.streams = List.copyOf(streams);
        this.ended = events(CallEvent.CallEnded.class).stream().reduce((first, second) -> second)
                .orElseThrow(() -> new IllegalStateException("a transcript ends with the call's end"));
    }

    /** @return the call's SID ({@code CA…}) */
    public String callSid() {
        return callSid;
    }

    /** @return every event, oldest first */
    public List<CallEvent> events() {
        return events;
    }

    /** @return the events of one type, oldest first, e.g. {@code events(CallEvent.Said.class)} */
    public <T extends CallEvent> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** @return how the call ended */
    public CallEnd end() {
        return ended.end();
    }

    /** @return the call's last event */
    public CallEvent.CallEnded ended() {
        return ended;
    }

    /** @return whether the application handled the call to its end, without an application error */
    public boolean completed() {
        return ended.end().completed();
    }

    /** @return the texts of every {@code <Say>}, in order: what the caller heard */
    public List<String> said() {
        return events(CallEvent.Said.class).stream().map(CallEvent.Said::text).toList();
    }

    /** @return every {@code <Gather>} and how the caller answered it */
    public List<CallEvent.Gathered> gathers() {
        return events(CallEvent.Gathered.class);
    }

    /** @return every request the stand-in sent */
    public List<CallEvent.RequestSent> requests() {
        return events(CallEvent.RequestSent.class);
    }

    /** @return the application error that ended the call, if one did */
    public Optional<CallEvent.ApplicationError> applicationError() {
        return events(CallEvent.ApplicationError.class).stream().findFirst();
    }

    /** @return the Media Streams of the call, in the order they opened, with their recordings */
    public List<StreamRecording> streams() {
        return streams;
    }

    /** @return the transcript as JSON lines, one event a line */
    public String jsonLines() {
        StringBuilder lines = new StringBuilder();
        for (CallEvent event : events) {
            lines.append(jsonLine(event)).append('\n');
        }
        return lines.toString();
    }

    /**
     * @return one event as a line of JSON: {@code "event"} (the record's name in kebab case), {@code "atMillis"},
     *         then its fields (durations in milliseconds as {@code …Millis}, absent optionals left out, enums in
     *         kebab case)
     */
    public static String jsonLine(CallEvent event) {
        try {
            return JSON.writeValueAsString(json(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event is plain data", e);
        }
    }

    static ObjectNode json(CallEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("event", kebab(event.getClass().getSimpleName()));
        fill(node, (Record) event);
        return node;
    }

    private static void fill(ObjectNode node, Record record) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("a record's accessor is public", e);
            }
            if (value instanceof Optional<?> optional) {
                if (optional.isEmpty()) {
                    continue;
                }
                value = optional.get();
            }
            String name = value instanceof Duration ? component.getName() + "Millis" : component.getName();
            node.set(name, value(value));
        }
    }

    private static JsonNode value(Object value) {
        return switch (value) {
            case null -> JSON.nullNode();
            case Duration duration -> JSON.getNodeFactory().numberNode(duration.toMillis());
            case URI uri -> JSON.getNodeFactory().textNode(uri.toString());
            case Enum<?> constant -> JSON.getNodeFactory().textNode(
                    constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            case Map<?, ?> map -> {
                ObjectNode object = JSON.createObjectNode();
                map.forEach((key, entry) -> object.set(String.valueOf(key), value(entry)));
                yield object;
            }
            case List<?> list -> {
                ArrayNode array = JSON.createArrayNode();
                list.forEach(entry -> array.add(value(entry)));
                yield array;
            }
            case Record nested -> {
                ObjectNode object = JSON.createObjectNode();
                fill(object, nested);
                yield object;
            }
            default -> JSON.valueToTree(value);
        };
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return jsonLines();
    }
}
