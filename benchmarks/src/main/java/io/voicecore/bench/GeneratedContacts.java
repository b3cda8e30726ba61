package io.voicecore.bench;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A CSV file of contacts in the CRM import's columns, made up row by row as it is read, so the client side of a
 * benchmark holds one row at a time whatever the size. Every row is valid and has its own phone number and address.
 */
final class GeneratedContacts extends InputStream {
    static final String HEADER = "name,email,phone,company,tags,owner\n";

    private final int rows;
    private int next = -1;
    private byte[] current = new byte[0];
    private int position;

    GeneratedContacts(int rows) {
        this.rows = rows;
    }

    private boolean advance() {
        while (position >= current.length) {
            if (next >= rows) {
                return false;
            }
            String text = next < 0 ? HEADER
                    : "Contact " + next + ",contact" + next + "@example.com,+346" + String.format("%08d", next) + ",Company "
                      + (next % 500) + ",customer;imported,user:" + (next % 20) + "\n";
            current = text.getBytes(StandardCharsets.UTF_8);
            position = 0;
            next++;
        }
        return true;
    }

    @Override
    public int read() {
        return advance() ? current[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        int copied = 0;
        while (copied < length && advance()) {
            int n = Math.min(length - copied, current.length - position);
            System.arraycopy(current, position, buffer, offset + copied, n);
            position += n;
            copied += n;
        }
        return copied == 0 ? -1 : copied;
    }
}
