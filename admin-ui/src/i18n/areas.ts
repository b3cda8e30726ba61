import dashboard from '../pages/dashboard/messages';
import marketplace from '../pages/marketplace/messages';
import plugins from '../pages/plugins/messages';
import receptionist from '../pages/receptionist/messages';
import conversations from '../pages/conversations/messages';
import crm from '../pages/crm/messages';
import pipeline from '../pages/pipeline/messages';
import users from '../pages/users/messages';
import apiKeys from '../pages/api-keys/messages';
import audit from '../pages/audit/messages';
import developer from '../pages/developer/messages';
import review from '../pages/review/messages';
import reseller from '../pages/reseller/messages';
import platform from '../pages/platform/messages';
import security from '../pages/security/messages';

/** Every area's texts; src/i18n/messages.ts merges them with the shell's. One line per area, added with the area. */
export const areas = [dashboard, marketplace, plugins, receptionist, conversations, crm, pipeline, users, apiKeys, audit, developer, review, reseller, platform, security] as const;

type Area = (typeof areas)[number];
type KeysOf<A> = A extends { en: Record<infer K, string> } ? K : never;
/** Every key of every area. */
export type AreaKey = KeysOf<Area>;
