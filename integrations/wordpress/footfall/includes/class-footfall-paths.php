<?php
/**
 * A post's page identity in footfall: the path of its permalink, as the browser shows it and
 * footfall stores it.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Paths of posts and of old counters' URIs.
 */
final class Footfall_Paths {

	/** Characters `decodeURI` leaves escaped: decoding them would change what the path means. */
	const RESERVED = ';/?:@&=+$,#';

	/**
	 * The footfall path of a post: its permalink's path, plus the permalink's query when
	 * permalinks are plain (`/?p=45`), since then the query is what tells posts apart.
	 *
	 * @param int|WP_Post $post The post.
	 * @return string The path, or '' when the post has no permalink.
	 */
	public static function for_post( $post ) {
		$post = get_post( $post );
		if ( ! $post ) {
			return '';
		}
		$url = get_permalink( $post );
		if ( ! $url ) {
			return '';
		}
		$path = (string) wp_parse_url( $url, PHP_URL_PATH );
		if ( '' === $path ) {
			$path = '/';
		}
		$query = (string) wp_parse_url( $url, PHP_URL_QUERY );
		if ( '' === (string) get_option( 'permalink_structure' ) && '' !== $query ) {
			$path .= '?' . $query;
		}
		return self::normalise( $path );
	}

	/**
	 * The path of an URI an old counter stored relative to the site's home (`/category/news/`):
	 * the home's own path in front, the query string and fragment dropped.
	 *
	 * @param string $uri The stored URI.
	 * @return string
	 */
	public static function for_home_uri( $uri ) {
		$uri  = preg_replace( '/[?#].*$/s', '', (string) $uri );
		$uri  = '/' . ltrim( $uri, '/' );
		$home = (string) wp_parse_url( home_url(), PHP_URL_PATH );
		return self::normalise( untrailingslashit( $home ) . $uri );
	}

	/**
	 * What footfall makes of a path: percent-escapes decoded as JavaScript's `decodeURI` does
	 * (reserved characters stay escaped), and left as they are when they do not decode to UTF-8.
	 * So `/tin-t%E1%BB%A9c/` becomes `/tin-tức/`.
	 *
	 * @param string $path A path starting with `/`.
	 * @return string
	 */
	public static function normalise( $path ) {
		$path = (string) $path;
		if ( false === strpos( $path, '%' ) ) {
			return $path;
		}
		// A lone `%` makes decodeURI throw; footfall then keeps the path as it came.
		if ( preg_match( '/%(?![0-9A-Fa-f]{2})/', $path ) ) {
			return $path;
		}
		$decoded = preg_replace_callback(
			'/%([0-9A-Fa-f]{2})/',
			static function ( $match ) {
				$char = chr( hexdec( $match[1] ) );
				return ( ord( $char ) < 0x80 && false !== strpos( self::RESERVED, $char ) ) ? $match[0] : $char;
			},
			$path
		);
		return preg_match( '//u', $decoded ) ? $decoded : $path;
	}
}
