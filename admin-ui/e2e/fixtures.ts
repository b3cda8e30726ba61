import { createHmac, randomUUID } from 'node:crypto';

/** The kernel the end-to-end run talks to, and its platform admin token (set by ConsoleEndToEndIT). */
export const baseUrl = required('VOICECORE_URL');
export const adminToken = required('VOICECORE_ADMIN_TOKEN');

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the end-to-end tests through 'mvn verify -pl admin-ui'`);
  }
  return value;
}

export async function call(method: string, path: string, token: string | null, body?: unknown) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export interface TestTenant {
  id: string;
  slug: string;
}

export interface TestUser {
  tenant: TestTenant;
  email: string;
  password: string;
}

/** A fresh tenant for one test, made by the platform admin; mfaRequired makes every user enrol in TOTP. */
export async function freshTenant(options: { mfaRequired?: boolean } = {}): Promise<TestTenant> {
  const slug = `e2e-${randomUUID().slice(0, 8)}`;
  const reply = await call('POST', '/api/v1/tenants', adminToken,
                           { name: `E2E ${slug}`, slug, mfaRequired: options.mfaRequired ?? false });
  if (reply.status !== 201) {
    throw new Error(`creating tenant ${slug} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return { id: reply.body.id, slug };
}

/** A password user with the role in the tenant. */
export async function freshUser(tenant: TestTenant, role: 'tenant-admin' | 'tenant-user'): Promise<TestUser> {
  const email = `${role}-${randomUUID().slice(0, 6)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const reply = await call('POST', `/api/v1/tenants/${tenant.id}/users`, adminToken, { email, password, role });
  if (reply.status !== 201) {
    throw new Error(`creating user ${email} failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  }
  return { tenant, email, password };
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a Base32 secret at a moment, as an authenticator app computes it. */
export function totp(secret: string, at: number = Date.now()): string {
  const key = base32(secret);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/[=\s]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) {
      throw new Error(`not Base32: ${char}`);
    }
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
