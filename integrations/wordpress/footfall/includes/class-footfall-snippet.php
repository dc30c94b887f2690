<?php
/**
 * The snippet on every front-end page, `<script async src="<server>/footfall.js"
 * data-site="<id>">`, and the view count under each post when the settings ask for it.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Puts the snippet on the pages.
 */
final class Footfall_Snippet {

	/** The script handle: WordPress prints a handle once, however often it is enqueued. */
	const HANDLE = 'footfall';

	/**
	 * Hooks into the front end.
	 */
	public static function register() {
		add_action( 'wp_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'script_loader_tag', array( __CLASS__, 'tag' ), 10, 2 );
		add_filter( 'the_content', array( __CLASS__, 'append_post_views' ), 20 );
	}

	/**
	 * Enqueues the snippet in the head, without a version query (footfall revalidates it).
	 */
	public static function enqueue() {
		if ( ! Footfall_Options::is_configured() || is_feed() || is_robots() || is_trackback() ) {
			return;
		}
		// phpcs:ignore WordPress.WP.EnqueuedResourceParameters.MissingVersion -- footfall serves the file with its own revalidation.
		wp_enqueue_script( self::HANDLE, Footfall_Options::script_url(), array(), null, false );
	}

	/**
	 * Adds `async`, `data-site` and, on a single post or page, `data-path` to the snippet's tag.
	 *
	 * @param string $tag    The `<script>` element WordPress built.
	 * @param string $handle Its handle.
	 * @return string
	 */
	public static function tag( $tag, $handle ) {
		if ( self::HANDLE !== $handle ) {
			return $tag;
		}
		$attributes = ' async data-site="' . esc_attr( Footfall_Options::get( 'site_id' ) ) . '"';
		$path       = self::current_path();
		if ( '' !== $path ) {
			$attributes .= ' data-path="' . esc_attr( $path ) . '"';
		}
		return preg_replace( '/<script\b/', '<script' . $attributes, $tag, 1 );
	}

	/**
	 * The footfall path of the post or page being shown, '' elsewhere: its permalink's path
	 * stays its identity whatever address it was reached by (`?p=45`, an old slug, page 2).
	 *
	 * @return string
	 */
	public static function current_path() {
		if ( ! is_singular() ) {
			return '';
		}
		return Footfall_Paths::for_post( get_queried_object_id() );
	}

	/**
	 * Appends `Lượt xem: N` / `Views: N` to the content of the single post being shown.
	 *
	 * @param string $content The post's content.
	 * @return string
	 */
	public static function append_post_views( $content ) {
		if ( ! Footfall_Options::is_configured() || ! Footfall_Options::get( 'show_post_views' ) ) {
			return $content;
		}
		if ( ! is_singular( 'post' ) || ! in_the_loop() || ! is_main_query() || get_the_ID() !== get_queried_object_id() ) {
			return $content;
		}
		return $content . Footfall_Markup::post_views_line( get_the_ID() );
	}
}
