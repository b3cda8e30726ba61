package io.voicecore.aigateway.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a caller's message gives away.
 *
 * @param name                 the caller's name, each word capitalised
 * @param phone                a phone number (7 to 15 digits), separators and a leading {@code +} kept as said
 * @param email                an e-mail address, lower-cased
 * @param intent               why they are in touch
 * @param date                 a day named relative to today
 * @param confirmation         a yes or a no (a yes wins when both are said)
 * @param mentionsOpeningHours whether the message is about opening hours ("are you open?", "horario")
 */
public record Details(Optional<String> name, Optional<String> phone, Optional<String> email, Optional<Intent> intent,
                      Optional<RelativeDate> date, Optional<Confirmation> confirmation, boolean mentionsOpeningHours) {

    /** Checks the values. */
    public Details {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(confirmation, "confirmation");
    }

    /** @return whether a name, phone, e-mail, day or a reason other than a question was given */
    public boolean givesDetails() {
        return name.isPresent() || phone.isPresent() || email.isPresent() || date.isPresent()
               || intent.filter(i -> i != Intent.QUESTION).isPresent();
    }
}
