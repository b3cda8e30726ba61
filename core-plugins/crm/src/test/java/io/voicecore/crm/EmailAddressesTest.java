package io.voicecore.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class EmailAddressesTest {

    @Test
    void trimsAndLowerCasesTheDomainOnly() {
        assertEquals(Optional.of("Ada.Lovelace@example.com"), EmailAddresses.normalise("  Ada.Lovelace@EXAMPLE.Com "));
        assertEquals(Optional.of("a@b.co"), EmailAddresses.normalise("a@b.co"));
    }

    @Test
    void refusesWhatIsNotAnAddress() {
        for (String bad : List.of("", "ada", "@example.com", "ada@", "ada@localhost", "a da@example.com", "ada@exa mple.com",
                                  "ada@example..com", "x".repeat(250) + "@example.com")) {
            assertEquals(Optional.empty(), EmailAddresses.normalise(bad), bad);
        }
    }
}
