<?php
/**
 * Plugin Name:       footfall
 * Description:       A live visitor counter from your own footfall server: the snippet on every page, a footer widget, shortcodes, per-post view counts, and a one-click import of WP Statistics or Post Views Counter figures.
 * Version:           0.1.0
 * Requires at least: 5.8
 * Requires PHP:      7.4
 * Author:            footfall
 * License:           MIT
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       footfall
 * Domain Path:       /languages
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'FOOTFALL_VERSION', '0.1.0' );
define( 'FOOTFALL_PLUGIN_FILE', __FILE__ );

require_once __DIR__ . '/includes/class-footfall-options.php';
require_once __DIR__ . '/includes/class-footfall-paths.php';
require_once __DIR__ . '/includes/class-footfall-markup.php';
require_once __DIR__ . '/includes/class-footfall-snippet.php';
require_once __DIR__ . '/includes/class-footfall-shortcodes.php';
require_once __DIR__ . '/includes/class-footfall-widget.php';
require_once __DIR__ . '/includes/class-footfall-api.php';
require_once __DIR__ . '/includes/class-footfall-source.php';
require_once __DIR__ . '/includes/class-footfall-source-wp-statistics.php';
require_once __DIR__ . '/includes/class-footfall-source-post-views-counter.php';
require_once __DIR__ . '/includes/class-footfall-import.php';

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'footfall', false, dirname( plugin_basename( FOOTFALL_PLUGIN_FILE ) ) . '/languages' );
	}
);

Footfall_Snippet::register();
Footfall_Shortcodes::register();

add_action(
	'widgets_init',
	static function () {
		register_widget( 'Footfall_Widget' );
	}
);

if ( is_admin() ) {
	require_once __DIR__ . '/includes/class-footfall-settings-page.php';
	require_once __DIR__ . '/includes/class-footfall-import-page.php';
	Footfall_Settings_Page::register();
	Footfall_Import_Page::register();
}
