<?php
/**
 * The plugin's settings: one option for what the pages need, and the import key apart from it
 * (not autoloaded, never printed back in full).
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Reads, validates and resolves the settings.
 */
final class Footfall_Options {

	/** The option holding server_url, site_id, show_post_views and lang. */
	const OPTION = 'footfall_settings';

	/** The option holding the import key. */
	const KEY_OPTION = 'footfall_import_key';

	/** A footfall site id. */
	const SITE_ID_PATTERN = '/^[a-z0-9][a-z0-9-]{0,62}$/';

	/** Languages the labels come in; `auto` follows the site's language. */
	const LANGUAGES = array( 'auto', 'vi', 'en' );

	/**
	 * The settings with their defaults filled in.
	 *
	 * @return array{server_url: string, site_id: string, show_post_views: bool, lang: string}
	 */
	public static function all() {
		$saved = get_option( self::OPTION, array() );
		$saved = is_array( $saved ) ? $saved : array();
		return array(
			'server_url'      => isset( $saved['server_url'] ) ? (string) $saved['server_url'] : '',
			'site_id'         => isset( $saved['site_id'] ) ? (string) $saved['site_id'] : '',
			'show_post_views' => ! empty( $saved['show_post_views'] ),
			'lang'            => isset( $saved['lang'] ) && in_array( $saved['lang'], self::LANGUAGES, true ) ? $saved['lang'] : 'auto',
		);
	}

	/**
	 * One setting.
	 *
	 * @param string $name A key of {@see all()}.
	 * @return mixed
	 */
	public static function get( $name ) {
		$all = self::all();
		return $all[ $name ];
	}

	/**
	 * True once a server and a site id are set: only then does anything reach the pages.
	 *
	 * @return bool
	 */
	public static function is_configured() {
		return '' !== self::get( 'server_url' ) && '' !== self::get( 'site_id' );
	}

	/**
	 * The snippet's address, `<server>/footfall.js`.
	 *
	 * @return string
	 */
	public static function script_url() {
		return self::get( 'server_url' ) . '/footfall.js';
	}

	/**
	 * The import key, or '' when none is stored.
	 *
	 * @return string
	 */
	public static function import_key() {
		return (string) get_option( self::KEY_OPTION, '' );
	}

	/**
	 * The key as the settings page may show it: its last four characters only.
	 *
	 * @return string
	 */
	public static function masked_import_key() {
		$key = self::import_key();
		if ( '' === $key ) {
			return '';
		}
		return str_repeat( '•', 8 ) . substr( $key, -4 );
	}

	/**
	 * The labels' language, `vi` or `en`: the setting, or for `auto` the site's language.
	 *
	 * @param string $requested `vi` or `en` from a widget or shortcode; anything else (`auto`,
	 *                          '') means the plugin's setting.
	 * @return string
	 */
	public static function label_language( $requested = '' ) {
		$lang = in_array( $requested, array( 'vi', 'en' ), true ) ? $requested : self::get( 'lang' );
		if ( 'auto' === $lang ) {
			$lang = 0 === strpos( strtolower( determine_locale() ), 'vi' ) ? 'vi' : 'en';
		}
		return $lang;
	}

	/**
	 * A server address as footfall needs it: http(s), no query or fragment, no trailing slash.
	 *
	 * @param string $url What the administrator typed.
	 * @return string|null The cleaned address, or null when it is not one.
	 */
	public static function clean_server_url( $url ) {
		$url = trim( (string) $url );
		if ( '' === $url ) {
			return '';
		}
		$parts = wp_parse_url( $url );
		if ( ! is_array( $parts ) || empty( $parts['host'] ) || ! isset( $parts['scheme'] ) || ! in_array( strtolower( $parts['scheme'] ), array( 'http', 'https' ), true ) ) {
			return null;
		}
		if ( isset( $parts['query'] ) || isset( $parts['fragment'] ) || isset( $parts['user'] ) ) {
			return null;
		}
		$path = isset( $parts['path'] ) ? $parts['path'] : '';
		// An address pasted with the snippet's file name still names the server.
		$path  = preg_replace( '#/footfall\.js$#', '', $path );
		$clean = strtolower( $parts['scheme'] ) . '://' . strtolower( $parts['host'] ) . ( isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '' ) . untrailingslashit( $path );
		return esc_url_raw( $clean, array( 'http', 'https' ) );
	}

	/**
	 * The Settings API's sanitize callback for {@see OPTION}. A bad value keeps the saved one
	 * and says why on the settings page.
	 *
	 * @param mixed $input The submitted fields.
	 * @return array
	 */
	public static function sanitize( $input ) {
		$input = is_array( $input ) ? $input : array();
		$saved = self::all();
		$clean = $saved;

		$server = self::clean_server_url( isset( $input['server_url'] ) ? wp_unslash( $input['server_url'] ) : '' );
		if ( null === $server ) {
			add_settings_error( self::OPTION, 'footfall_server_url', __( 'The server URL must be an http:// or https:// address such as https://stats.example.com, without a query string. The saved URL was kept.', 'footfall' ) );
		} else {
			$clean['server_url'] = $server;
		}

		$site = isset( $input['site_id'] ) ? trim( sanitize_text_field( wp_unslash( $input['site_id'] ) ) ) : '';
		if ( '' !== $site && ! preg_match( self::SITE_ID_PATTERN, $site ) ) {
			add_settings_error( self::OPTION, 'footfall_site_id', __( 'The site id may contain lowercase letters, digits and hyphens (up to 63, not starting with a hyphen), such as long-huu. The saved site id was kept.', 'footfall' ) );
		} else {
			$clean['site_id'] = $site;
		}

		$clean['show_post_views'] = ! empty( $input['show_post_views'] );
		$lang                     = isset( $input['lang'] ) ? sanitize_key( $input['lang'] ) : 'auto';
		$clean['lang']            = in_array( $lang, self::LANGUAGES, true ) ? $lang : 'auto';
		return $clean;
	}

	/**
	 * The Settings API's sanitize callback for {@see KEY_OPTION}: an empty field keeps the saved
	 * key (it is never shown, so the form cannot send it back); "forget" removes it.
	 *
	 * @param mixed $input The submitted key.
	 * @return string
	 */
	public static function sanitize_key_option( $input ) {
		// The Settings API checked the nonce and the capability before calling this.
		// phpcs:ignore WordPress.Security.NonceVerification.Missing
		if ( ! empty( $_POST['footfall_forget_import_key'] ) ) {
			return '';
		}
		$key = trim( sanitize_text_field( (string) $input ) );
		if ( '' === $key ) {
			return self::import_key();
		}
		if ( ! preg_match( '/^[\x21-\x7e]{8,200}$/', $key ) ) {
			add_settings_error( self::KEY_OPTION, 'footfall_import_key', __( 'The import key should be the key footfall gave you, without spaces. The saved key was kept.', 'footfall' ) );
			return self::import_key();
		}
		return $key;
	}
}
