package io.voicecore.voice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class TwimlTest {
    static final Twiml.Speech SPANISH = new Twiml.Speech("es-ES", Optional.of("Polly.Lucia"));

    @Test
    void writesTheVerbsInOrderWithTheirAttributesEscaped() {
        String xml = Twiml.response(twiml -> twiml
                .gather("https://v.example.com/g?a=1&b=2", SPANISH, 6, 0, inner -> inner.say("Hola <Lucía> & \"compañía\"", SPANISH))
                .dial("https://v.example.com/d", 20, "+34910000000", "https://v.example.com/w", true)
                .record("https://v.example.com/r", "https://v.example.com/t", 120)
                .redirect("https://v.example.com/q").pause(2).hangup()).text();
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"
                     + "<Gather input=\"speech dtmf\" language=\"es-ES\" action=\"https://v.example.com/g?a=1&amp;b=2\" method=\"POST\" "
                     + "speechTimeout=\"auto\" timeout=\"6\" actionOnEmptyResult=\"true\">"
                     + "<Say voice=\"Polly.Lucia\" language=\"es-ES\">Hola &lt;Lucía&gt; &amp; &quot;compañía&quot;</Say></Gather>"
                     + "<Dial action=\"https://v.example.com/d\" method=\"POST\" timeout=\"20\" record=\"record-from-answer-dual\">"
                     + "<Number url=\"https://v.example.com/w\" method=\"POST\">+34910000000</Number></Dial>"
                     + "<Record action=\"https://v.example.com/r\" method=\"POST\" maxLength=\"120\" playBeep=\"true\" finishOnKey=\"#\" "
                     + "transcribe=\"true\" transcribeCallback=\"https://v.example.com/t\"/>"
                     + "<Redirect method=\"POST\">https://v.example.com/q</Redirect><Pause length=\"2\"/><Hangup/></Response>", xml);
    }

    @Test
    void aSipAddressIsDialledAsSipAndAControlCharacterIsDropped() {
        String xml = Twiml.response(twiml -> twiml.dial("a", 5, "sip:desk@example.sip.twilio.com", "w", false)
                .say("bell\u0007", new Twiml.Speech("en-US", Optional.empty()))).text();
        assertEquals("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial action=\"a\" method=\"POST\" timeout=\"5\">"
                     + "<Sip url=\"w\" method=\"POST\">sip:desk@example.sip.twilio.com</Sip></Dial>"
                     + "<Say language=\"en-US\">bell</Say></Response>", xml);
    }
}
