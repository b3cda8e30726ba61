package io.voicecore.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Fills the sandbox tenant with realistic data through the plugins' own HTTP APIs, the same from the same seed:
 * contacts (varied names, e-mails, companies, phones in E.164 from seven countries), a sales pipeline with deals in
 * every stage, and receptionist conversations in six languages whose sentiment the receptionist records.
 */
final class DataGenerator {
    /** What was generated, for the console. */
    record Summary(int contacts, int countries, int deals, int stages, int conversations, int languages, long millis) {
    }

    private record Country(String code, String dial, int digits, String domain, String currency, String[] first, String[] last,
                           String[] companies) {
    }

    private static final List<Country> COUNTRIES = List.of(
            new Country("US", "+1", 10, "com", "USD", new String[] {"James", "Mary", "Robert", "Linda", "Michael", "Emily", "David", "Sarah", "Ashley", "Daniel"},
                        new String[] {"Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Anderson", "Clark"},
                        new String[] {"Acme Dental", "Bay Area Plumbing", "Lakeside Realty", "Summit Fitness", "Pioneer Legal"}),
            new Country("GB", "+44", 10, "co.uk", "GBP", new String[] {"Oliver", "Amelia", "Harry", "Isla", "George", "Ava", "Jack", "Poppy"},
                        new String[] {"Jones", "Williams", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes"},
                        new String[] {"Camden Vets", "Thames Accountants", "Kingsway Motors", "Brighton Bakery"}),
            new Country("DE", "+49", 11, "de", "EUR", new String[] {"Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Sophie"},
                        new String[] {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann"},
                        new String[] {"Zahnarztpraxis Berger", "Autohaus Krause", "Bäckerei Lehmann", "Kanzlei Vogel"}),
            new Country("FR", "+33", 9, "fr", "EUR", new String[] {"Lucas", "Emma", "Hugo", "Chloé", "Louis", "Léa", "Jules", "Manon"},
                        new String[] {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Lefèvre"},
                        new String[] {"Cabinet Dentaire Rivoli", "Boulangerie Moreau", "Garage du Centre", "Immobilière Lyonnaise"}),
            new Country("ES", "+34", 9, "es", "EUR", new String[] {"Hugo", "Lucía", "Martín", "Sofía", "Pablo", "Valeria", "Álvaro", "Carmen"},
                        new String[] {"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez"},
                        new String[] {"Clínica Dental Sol", "Talleres Ruiz", "Inmobiliaria Mar", "Peluquería Marta"}),
            new Country("IT", "+39", 10, "it", "EUR", new String[] {"Leonardo", "Giulia", "Francesco", "Aurora", "Alessandro", "Ginevra", "Lorenzo", "Alice"},
                        new String[] {"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"},
                        new String[] {"Studio Dentistico Verdi", "Officina Conti", "Panificio Gallo", "Agenzia Immobiliare Roma"}),
            new Country("BR", "+55", 11, "com.br", "BRL", new String[] {"Miguel", "Helena", "Arthur", "Alice", "Gael", "Laura", "Heitor", "Valentina"},
                        new String[] {"Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Carvalho"},
                        new String[] {"Clínica Sorriso", "Oficina Paulista", "Padaria Pão Quente", "Imobiliária Rio"}));

    /** Caller lines in each language: a friendly booking and an unhappy complaint, so sentiment varies. */
    private static final Map<String, String[]> LINES = new LinkedHashMap<>();

    static {
        LINES.put("en", new String[] {"Hello, I would like to book an appointment for Tuesday morning please. Thank you so much, great service!",
                                      "Hi, this is terrible. I am very unhappy and angry about my last bill, it is wrong again."});
        LINES.put("es", new String[] {"Hola, quisiera reservar una cita para el martes por la mañana, por favor. ¡Muchas gracias, excelente servicio!",
                                      "Hola, esto es terrible. Estoy muy enfadado y molesto con mi última factura, otra vez está mal."});
        LINES.put("fr", new String[] {"Bonjour, je voudrais prendre un rendez-vous pour mardi matin, s'il vous plaît. Merci beaucoup, service excellent !",
                                      "Bonjour, c'est horrible. Je suis très mécontent et fâché de ma dernière facture, elle est encore fausse."});
        LINES.put("de", new String[] {"Hallo, ich möchte bitte einen Termin für Dienstagvormittag vereinbaren. Vielen Dank, toller Service!",
                                      "Hallo, das ist schrecklich. Ich bin sehr verärgert und unzufrieden mit meiner letzten Rechnung, sie ist wieder falsch."});
        LINES.put("it", new String[] {"Buongiorno, vorrei prenotare un appuntamento per martedì mattina, per favore. Grazie mille, servizio eccellente!",
                                      "Buongiorno, è terribile. Sono molto arrabbiato e scontento della mia ultima fattura, è di nuovo sbagliata."});
        LINES.put("pt", new String[] {"Olá, gostaria de marcar uma consulta para terça-feira de manhã, por favor. Muito obrigado, ótimo serviço!",
                                      "Olá, isto é horrível. Estou muito chateado e insatisfeito com a minha última fatura, está errada outra vez."});
    }

    /** The stages of the generated pipeline: key, name, kind. */
    static final List<String[]> STAGES = List.of(new String[] {"new", "New", "open"}, new String[] {"qualified", "Qualified", "open"},
            new String[] {"proposal", "Proposal", "open"}, new String[] {"negotiation", "Negotiation", "open"},
            new String[] {"won", "Won", "won"}, new String[] {"lost", "Lost", "lost"});

    /** Requests in flight at once while generating. */
    private static final int WORKERS = 6;

    private final SandboxHttp http;
    private final String tenant;
    private final String key;

    DataGenerator(SandboxHttp http, String tenant, String key) {
        this.http = http;
        this.tenant = tenant;
        this.key = key;
    }

    /**
     * Everything to generate, fixed by the seed alone: contact bodies, deal bodies (their contact as an index into the
     * contacts, their pipeline filled in when sent) and the caller's line of each conversation.
     */
    record Plan(List<Map<String, Object>> contacts, List<Map<String, Object>> deals, List<Integer> dealContacts,
                List<String> conversationLines, int countries) {
    }

    /** The plan for {@code seed}: {@code contacts} contacts, five deals per stage, five conversations per language. */
    static Plan plan(long seed, int contacts) {
        Random random = new Random(seed);
        java.util.Set<String> countries = new java.util.TreeSet<>();
        java.util.Set<String> emails = new java.util.HashSet<>();
        List<Map<String, Object>> contactBodies = new ArrayList<>();
        List<String> contactPhones = new ArrayList<>();
        for (int i = 0; i < contacts; i++) {
            Country country = COUNTRIES.get(i % COUNTRIES.size());
            String first = pick(random, country.first());
            String last = pick(random, country.last());
            String company = pick(random, country.companies());
            String local = ascii(first) + "." + ascii(last);
            String email = (emails.add(local) ? local : local + i) + "@" + ascii(company) + "." + country.domain();
            String phone = phone(random, country);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", first + " " + last);
            body.put("phones", List.of(phone));
            body.put("emails", List.of(email));
            body.put("company", company);
            body.put("tags", List.of(random.nextInt(3) == 0 ? "vip" : "customer", country.code().toLowerCase(java.util.Locale.ROOT)));
            contactBodies.add(body);
            contactPhones.add(phone);
            countries.add(country.code());
        }
        List<Map<String, Object>> deals = new ArrayList<>();
        List<Integer> dealContacts = new ArrayList<>();
        String[] products = {"Annual plan", "Onboarding", "Extra seats", "Support upgrade", "Renewal", "Hardware bundle"};
        for (String[] stage : STAGES) {
            for (int i = 0; i < 5 && contacts > 0; i++) {
                Country country = COUNTRIES.get(random.nextInt(COUNTRIES.size()));
                Map<String, Object> deal = new LinkedHashMap<>();
                dealContacts.add(random.nextInt(contacts));
                deal.put("title", pick(random, products) + " " + (2026 + random.nextInt(2)));
                deal.put("amount", (long) (50 + random.nextInt(500)) * 1000);
                deal.put("currency", country.currency());
                deal.put("stage", stage[0]);
                if (stage[2].equals("lost")) {
                    deal.put("lostReason", pick(random, new String[] {"Chose a competitor", "No budget", "No answer"}));
                }
                deals.add(deal);
            }
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String[]> language : LINES.entrySet()) {
            for (int i = 0; i < 5 && contacts > 0; i++) {
                // The caller leaves a contact's number, so the CRM links the ended conversation to that contact.
                lines.add(language.getValue()[random.nextInt(2)] + " " + contactPhones.get(random.nextInt(contactPhones.size())));
            }
        }
        return new Plan(contactBodies, deals, dealContacts, lines, countries.size());
    }

    /** Generates everything from {@code seed} through the plugins' routes. */
    Summary generate(long seed, int contacts) {
        long started = System.nanoTime();
        Plan plan = plan(seed, contacts);
        // Contacts in one request through the CRM's CSV import, then read back for their ids (by their unique e-mail).
        plugin("crm").postCsv("/contacts/import", csv(plan.contacts())).expect(200, 201);
        Map<String, String> idsByEmail = new java.util.HashMap<>();
        String next = null;
        do {
            JsonNode page = http.get("/api/v1/tenants/" + tenant + "/crm/contacts?limit=200" + (next == null ? "" : "&cursor=" + next), key)
                    .expect(200).json();
            page.get("items").forEach(contact -> contact.get("emails").forEach(email -> idsByEmail.put(email.asText(), contact.get("id").asText())));
            next = page.path("next").isTextual() ? page.get("next").asText() : null;
        } while (next != null);
        List<String> contactIds = plan.contacts().stream().map(contact -> {
            String email = ((List<?>) contact.get("emails")).getFirst().toString();
            String id = idsByEmail.get(email);
            if (id == null) {
                throw new SandboxException("the CRM did not import the generated contact " + email);
            }
            return id;
        }).toList();

        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("name", "New business");
        pipeline.put("stages", STAGES.stream().map(s -> Map.of("key", s[0], "name", s[1], "kind", s[2])).toList());
        String pipelineId = plugin("crm").post("/pipelines", pipeline).expect(201).json().get("id").asText();
        List<java.util.concurrent.Callable<String>> dealRequests = new ArrayList<>();
        for (int i = 0; i < plan.deals().size(); i++) {
            Map<String, Object> deal = new LinkedHashMap<>(plan.deals().get(i));
            deal.put("contactId", contactIds.get(plan.dealContacts().get(i)));
            deal.put("pipelineId", pipelineId);
            dealRequests.add(() -> plugin("crm").post("/deals", deal).expect(201).body());
        }
        int deals = parallel(dealRequests).size();

        List<java.util.concurrent.Callable<String>> talks = new ArrayList<>();
        for (String line : plan.conversationLines()) {
            talks.add(() -> {
                String id = plugin("receptionist").post("/conversations", Map.of("channel", "chat")).expect(201).json().get("id").asText();
                plugin("receptionist").post("/conversations/" + id + "/messages", Map.of("text", line)).expect(200, 201);
                plugin("receptionist").post("/conversations/" + id + "/end", Map.of()).expect(200, 201);
                return id;
            });
        }
        int conversations = parallel(talks).size();
        return new Summary(contactIds.size(), plan.countries(), deals, STAGES.size(), conversations, LINES.size(),
                           (System.nanoTime() - started) / 1_000_000);
    }

    /** The contacts as the CRM's import reads them: name, email, phone, company, tags (several values split by ';'). */
    static String csv(List<Map<String, Object>> contacts) {
        StringBuilder csv = new StringBuilder("name,email,phone,company,tags\n");
        for (Map<String, Object> contact : contacts) {
            csv.append(cell(contact.get("name").toString())).append(',')
               .append(cell(String.join(";", strings(contact.get("emails"))))).append(',')
               .append(cell(String.join(";", strings(contact.get("phones"))))).append(',')
               .append(cell(contact.get("company").toString())).append(',')
               .append(cell(String.join(";", strings(contact.get("tags"))))).append('\n');
        }
        return csv.toString();
    }

    private static List<String> strings(Object list) {
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static String cell(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    /** Runs the requests on a few connections at once and returns their results in the order given. */
    private static List<String> parallel(List<java.util.concurrent.Callable<String>> requests) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(WORKERS);
        try {
            List<String> results = new ArrayList<>();
            for (java.util.concurrent.Future<String> result : pool.invokeAll(requests)) {
                results.add(result.get());
            }
            return results;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new SandboxException("generating data failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while generating data");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Requests to one plugin of the sandbox tenant. */
    private PluginClient plugin(String pluginId) {
        return new PluginClient(pluginId);
    }

    private final class PluginClient {
        private final String base;

        PluginClient(String pluginId) {
            this.base = "/api/v1/tenants/" + tenant + "/" + pluginId;
        }

        SandboxHttp.Answer post(String path, Object body) {
            return http.post(base + path, key, body);
        }

        SandboxHttp.Answer postCsv(String path, String csv) {
            return http.postCsv(base + path, key, csv);
        }
    }

    /** A number of the country's length after its calling code, never starting with 0. */
    private static String phone(Random random, Country country) {
        StringBuilder number = new StringBuilder(country.dial()).append(1 + random.nextInt(9));
        for (int i = 1; i < country.digits(); i++) {
            number.append(random.nextInt(10));
        }
        return number.toString();
    }

    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Lower case, accents dropped, only letters and digits: for e-mail addresses. */
    private static String ascii(String text) {
        String plain = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .replace("ß", "ss").toLowerCase(java.util.Locale.ROOT);
        return plain.replaceAll("[^a-z0-9]", "");
    }
}
