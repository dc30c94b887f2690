<?php
/**
 * The plugin's only requests: to the configured footfall server, never anywhere else.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Reads counts and sends imports to footfall.
 */
final class Footfall_Api {

	/**
	 * Where each import goes, relative to the server URL (`%s` is the site id), and which
	 * method sends it. Both take the import key as `Authorization: Bearer <key>`. The filter
	 * `footfall_import_request` may change the method, URL and headers in one place (e.g. a
	 * proxy that serves footfall under a prefix).
	 */
	const IMPORT_ROUTES = array(
		'history' => array(
			'method' => 'POST',
			'path'   => '/api/v1/sites/%s/history',
		),
		'pages'   => array(
			'method' => 'PUT',
			'path'   => '/api/v1/sites/%s/pages',
		),
	);

	/** Seconds to wait for footfall: an import of years of days is one request. */
	const TIMEOUT = 30;

	/**
	 * The site's counts payload (`GET /api/v1/sites/<site>/counts`), which also tells the
	 * site's today in its own time zone.
	 *
	 * @return array|WP_Error
	 */
	public static function counts() {
		$url = Footfall_Options::get( 'server_url' ) . '/api/v1/sites/' . rawurlencode( Footfall_Options::get( 'site_id' ) ) . '/counts';
		return self::answer( wp_remote_get( $url, array( 'timeout' => 5 ) ) );
	}

	/**
	 * The request that sends one import, before it is sent.
	 *
	 * @param string $kind    `history` or `pages`.
	 * @param bool   $dry_run Whether footfall should only say what would change.
	 * @return array{method: string, url: string, headers: array<string, string>}
	 */
	public static function import_request( $kind, $dry_run ) {
		$route   = self::IMPORT_ROUTES[ $kind ];
		$url     = Footfall_Options::get( 'server_url' ) . sprintf( $route['path'], rawurlencode( Footfall_Options::get( 'site_id' ) ) );
		$request = array(
			'method'  => $route['method'],
			'url'     => $dry_run ? add_query_arg( 'dryRun', '1', $url ) : $url,
			'headers' => array(
				'Authorization' => 'Bearer ' . Footfall_Options::import_key(),
				'Content-Type'  => 'text/csv; charset=utf-8',
				'Accept'        => 'application/json',
			),
		);
		/**
		 * Filters an import request to footfall.
		 *
		 * @param array  $request method, url, headers.
		 * @param string $kind    `history` or `pages`.
		 * @param bool   $dry_run Whether it is the preview.
		 */
		return apply_filters( 'footfall_import_request', $request, $kind, $dry_run );
	}

	/**
	 * Sends a CSV import and returns footfall's answer.
	 *
	 * @param string $kind    `history` (rows date,views,visitors) or `pages` (rows path,views).
	 * @param string $csv     The file.
	 * @param bool   $dry_run Preview only.
	 * @return array|WP_Error footfall's JSON answer, or its error (code and message as footfall gave them).
	 */
	public static function send_import( $kind, $csv, $dry_run ) {
		if ( '' === Footfall_Options::import_key() ) {
			return new WP_Error( 'footfall_no_key', __( 'Enter the import key footfall gave you in Settings → footfall first.', 'footfall' ) );
		}
		$request = self::import_request( $kind, $dry_run );
		return self::answer(
			wp_remote_request(
				$request['url'],
				array(
					'method'  => $request['method'],
					'headers' => $request['headers'],
					'body'    => $csv,
					'timeout' => self::TIMEOUT,
				)
			)
		);
	}

	/**
	 * footfall's JSON answer, or a WP_Error with footfall's own code and message
	 * (`{"error":{"code","message"}}`) and the HTTP status as data.
	 *
	 * @param array|WP_Error $response What wp_remote_request returned.
	 * @return array|WP_Error
	 */
	private static function answer( $response ) {
		if ( is_wp_error( $response ) ) {
			/* translators: %s: why the request failed, as WordPress says it. */
			return new WP_Error( 'footfall_unreachable', sprintf( __( 'footfall could not be reached: %s', 'footfall' ), $response->get_error_message() ) );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		$body   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( $status >= 200 && $status < 300 && is_array( $body ) ) {
			return $body;
		}
		if ( is_array( $body ) && isset( $body['error']['code'], $body['error']['message'] ) && is_string( $body['error']['message'] ) ) {
			return new WP_Error( (string) $body['error']['code'], $body['error']['message'], array( 'status' => $status ) );
		}
		/* translators: %d: the HTTP status code. */
		return new WP_Error( 'footfall_bad_answer', sprintf( __( 'footfall answered HTTP %d, without the JSON it should send.', 'footfall' ), $status ), array( 'status' => $status ) );
	}

	/**
	 * An error as the admin pages show it: `footfall answered 401 unauthorized: <message>`.
	 *
	 * @param WP_Error $error From {@see counts()} or {@see send_import()}.
	 * @return string Plain text (escape it where it is printed).
	 */
	public static function describe_error( WP_Error $error ) {
		$data = $error->get_error_data();
		// The plugin's own codes start with footfall_; the server's are its catalogue's.
		if ( is_array( $data ) && isset( $data['status'] ) && 0 !== strpos( (string) $error->get_error_code(), 'footfall_' ) ) {
			/* translators: 1: HTTP status, 2: footfall's error code, 3: footfall's message. */
			return sprintf( __( 'footfall answered %1$d %2$s: %3$s', 'footfall' ), (int) $data['status'], $error->get_error_code(), $error->get_error_message() );
		}
		return $error->get_error_message();
	}
}
