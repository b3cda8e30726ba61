/**
 * A publisher's own published listing: its category, description and plans ({@link
 * io.voicecore.marketplace.listings.admin.ListingAdmin#update}), and yanking a version so that no new tenant gets it.
 */
package io.voicecore.marketplace.listings.admin;
