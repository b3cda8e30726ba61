import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { SectionId } from '../nav/navigation';

/**
 * Each section's page, loaded when first opened: a page and what it imports (charts, tables) stay out of the initial
 * bundle. A page is one default-exported component in src/pages/<area>/.
 */
export const pages: Record<SectionId, LazyExoticComponent<ComponentType>> = {
  dashboard: lazy(() => import('./dashboard/DashboardPage')),
  marketplace: lazy(() => import('./marketplace/MarketplacePage')),
  plugins: lazy(() => import('./plugins/PluginsPage')),
  receptionist: lazy(() => import('./receptionist/ReceptionistPage')),
  conversations: lazy(() => import('./conversations/ConversationsPage')),
  crm: lazy(() => import('./crm/CrmPage')),
  pipeline: lazy(() => import('./pipeline/PipelinePage')),
  users: lazy(() => import('./users/UsersPage')),
  apiKeys: lazy(() => import('./api-keys/ApiKeysPage')),
  audit: lazy(() => import('./audit/AuditPage')),
  developer: lazy(() => import('./developer/DeveloperPage')),
  review: lazy(() => import('./review/ReviewPage')),
  reseller: lazy(() => import('./reseller/ResellerPage')),
  platform: lazy(() => import('./platform/PlatformPage')),
};
