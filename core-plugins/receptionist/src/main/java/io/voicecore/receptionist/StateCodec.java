package io.voicecore.receptionist;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.voicecore.aigateway.api.Intent;
import io.voicecore.aigateway.api.RelativeDate;
import io.voicecore.receptionist.engine.ConversationState;
import io.voicecore.sdk.json.Json;

/**
 * Stores the conversation's state as JSON in the {@code conversations.state} column, with the mode of its latest reply
 * ({@code offline} or {@code openai}); a state written before the mode was kept reads as {@code offline}, and one written
 * before an e-mail could be offered as not offered.
 */
final class StateCodec {
    private StateCodec() {
    }

    static Json toJson(ConversationState state, String mode) {
        return Json.object()
                .put("mode", mode)
                .put("language", state.language())
                .put("stage", state.stage().name())
                .put("name", state.name().orElse(null))
                .put("phone", state.phone().orElse(null))
                .put("email", state.email().orElse(null))
                .put("reason", state.reason().map(Intent::name).orElse(null))
                .put("date", state.date().map(d -> Json.object().put("keyword", d.keyword()).put("spoken", d.spoken()).build()).orElse(null))
                .put("frustration", state.frustration())
                .put("escalation", state.escalation().orElse(null))
                .put("answered", state.answered())
                .put("unanswered", state.unanswered())
                .put("turns", state.turns())
                .put("sentimentTotal", state.sentimentTotal())
                .put("emailOffered", state.emailOffered())
                .build();
    }

    static ConversationState fromJson(Json json) {
        Json date = json.get("date");
        return new ConversationState(json.get("language").asString(), ConversationState.Stage.valueOf(json.get("stage").asString()),
                text(json.get("name")), text(json.get("phone")), text(json.get("email")),
                text(json.get("reason")).map(r -> Intent.valueOf(r.toUpperCase(Locale.ROOT))),
                date.isNull() ? Optional.empty() : Optional.of(new RelativeDate(date.get("keyword").asString(), date.get("spoken").asString())),
                (int) json.get("frustration").asLong(), text(json.get("escalation")), strings(json.get("answered")),
                strings(json.get("unanswered")), (int) json.get("turns").asLong(), json.get("sentimentTotal").asDecimal().doubleValue(),
                // A state written before the e-mail could be offered has not offered it.
                !json.get("emailOffered").isNull() && json.get("emailOffered").asBoolean());
    }

    /** @param json a stored state @return the mode of the conversation's latest reply */
    static String mode(Json json) {
        return json.get("mode").asOptionalString().orElse("offline");
    }

    private static Optional<String> text(Json value) {
        return value.asOptionalString();
    }

    private static List<String> strings(Json value) {
        return value.asList().stream().map(Json::asString).toList();
    }
}
