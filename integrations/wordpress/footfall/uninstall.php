<?php
/**
 * Removes the plugin's options when it is deleted from the Plugins screen, on every site of a
 * network. The figures stay on the footfall server.
 *
 * @package footfall
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

/**
 * Deletes the options of the current site.
 */
function footfall_delete_options() {
	delete_option( 'footfall_settings' );
	delete_option( 'footfall_import_key' );
	delete_option( 'widget_footfall' );
}

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $footfall_blog_id ) {
		switch_to_blog( $footfall_blog_id );
		footfall_delete_options();
		restore_current_blog();
	}
} else {
	footfall_delete_options();
}
