/**
 * Ratings and reviews of marketplace listings: one per tenant and listing, from tenants that have the listing
 * installed, with the publisher's reply. {@link io.voicecore.marketplace.ratings.Ratings#summary} and
 * {@link io.voicecore.marketplace.ratings.Ratings#summaries} give a listing view its average and count.
 */
package io.voicecore.marketplace.ratings;
