package io.voicecore.aigateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;

import io.voicecore.aigateway.api.CompletionRequest;
import io.voicecore.aigateway.api.Message;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class CacheKeyProperties {
    static final String BASE = CacheKeyTest.BASE;

    @Property
    void differentTextsNeverShareACanonicalForm(@ForAll String first, @ForAll String second) {
        String a = CacheKey.canonical(BASE, "m", CacheKeyTest.simple(first));
        String b = CacheKey.canonical(BASE, "m", CacheKeyTest.simple(second));
        boolean sameText = first.strip().replaceAll("\\s+", " ").equals(second.strip().replaceAll("\\s+", " "));
        assertEquals(sameText, a.equals(b), "'" + first + "' / '" + second + "'");
    }

    @Property
    void splittingTextAcrossFieldsChangesTheCanonicalForm(@ForAll String left, @ForAll String right) {
        String together = CacheKey.canonical(BASE, "m", new CompletionRequest(CacheKeyTest.PERSONA, List.of(Message.user(left + right))));
        String apart = CacheKey.canonical(BASE, "m", new CompletionRequest(CacheKeyTest.PERSONA, List.of(Message.user(left), Message.user(right))));
        assertNotEquals(together, apart);
    }
}
