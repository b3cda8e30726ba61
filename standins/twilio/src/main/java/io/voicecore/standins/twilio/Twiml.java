package io.voicecore.standins.twilio;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/** Reading TwiML: a {@code <Response>} document, its verbs and their attributes. */
final class Twiml {
    private Twiml() {
    }

    /**
     * @return the {@code <Response>} element
     * @throws IllegalArgumentException when the body is not well-formed XML with a {@code <Response>} root
     */
    static Element parse(String body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // An application's answer is untrusted input: no DTDs, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // Errors become the exception below, not lines on standard error.
            builder.setErrorHandler(new DefaultHandler());
            Element root = builder.parse(new InputSource(new StringReader(body))).getDocumentElement();
            if (!root.getTagName().equals("Response")) {
                throw new IllegalArgumentException("the root element is <" + root.getTagName() + ">, not <Response>");
            }
            return root;
        } catch (SAXException | IOException malformed) {
            throw new IllegalArgumentException("not well-formed XML: " + malformed.getMessage(), malformed);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser takes these features", e);
        }
    }

    /** @return the child elements, in order */
    static List<Element> children(Element parent) {
        List<Element> children = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                children.add(element);
            }
        }
        return children;
    }

    /** @return the attribute's value, when present and not blank */
    static Optional<String> attribute(Element element, String name) {
        return element.hasAttribute(name) && !element.getAttribute(name).isBlank()
               ? Optional.of(element.getAttribute(name).strip()) : Optional.empty();
    }

    static int intAttribute(Element element, String name, int fallback) {
        try {
            return attribute(element, name).map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException notANumber) {
            return fallback;
        }
    }

    static boolean booleanAttribute(Element element, String name, boolean fallback) {
        return attribute(element, name).map(value -> value.equalsIgnoreCase("true")).orElse(fallback);
    }

    /** @return the element's text, its whitespace collapsed (SSML inside a {@code <Say>} gives its text) */
    static String text(Element element) {
        return element.getTextContent().strip().replaceAll("\\s+", " ");
    }

    /** @return {@code reference} resolved against the document's URL, as Twilio resolves relative URLs */
    static URI resolve(URI document, String reference) {
        return document.resolve(reference.strip());
    }
}
