<?php
/**
 * Shortcodes: `[footfall metric="today.views"]`, `[footfall_widget rows="online,today,total"
 * lang="vi"]` and `[footfall_page_views]` (the current post, or `id="45"`).
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Registers and renders the shortcodes.
 */
final class Footfall_Shortcodes {

	/**
	 * Adds the shortcodes.
	 */
	public static function register() {
		add_shortcode( 'footfall', array( __CLASS__, 'figure' ) );
		add_shortcode( 'footfall_widget', array( __CLASS__, 'widget' ) );
		add_shortcode( 'footfall_page_views', array( __CLASS__, 'page_views' ) );
	}

	/**
	 * `[footfall metric="today.views" lang="vi"]`: one live figure.
	 *
	 * @param array|string $atts Shortcode attributes.
	 * @return string
	 */
	public static function figure( $atts ) {
		$atts   = shortcode_atts(
			array(
				'metric' => 'total.views',
				'lang'   => '',
			),
			$atts,
			'footfall'
		);
		$metric = strtolower( trim( (string) $atts['metric'] ) );
		if ( ! in_array( $metric, Footfall_Markup::METRICS, true ) ) {
			return self::problem(
				/* translators: 1: the metric written in the shortcode, 2: the metrics it accepts. */
				sprintf( __( 'footfall: "%1$s" is not a figure; use one of %2$s.', 'footfall' ), $metric, implode( ', ', Footfall_Markup::METRICS ) )
			);
		}
		$path = 'page.views' === $metric ? self::post_path( 0 ) : '';
		return Footfall_Markup::slot( $metric, $path, (string) $atts['lang'] );
	}

	/**
	 * `[footfall_widget rows="online,today,week,total" lang="vi" metric="views" theme="light"]`.
	 *
	 * @param array|string $atts Shortcode attributes.
	 * @return string
	 */
	public static function widget( $atts ) {
		$atts = shortcode_atts(
			array(
				'rows'   => implode( ',', Footfall_Markup::DEFAULT_ROWS ),
				'lang'   => '',
				'metric' => 'views',
				'theme'  => 'light',
			),
			$atts,
			'footfall_widget'
		);
		return Footfall_Markup::widget( $atts );
	}

	/**
	 * `[footfall_page_views]` or `[footfall_page_views id="45"]`: all-time views of a post.
	 *
	 * @param array|string $atts Shortcode attributes.
	 * @return string
	 */
	public static function page_views( $atts ) {
		$atts = shortcode_atts(
			array(
				'id'   => 0,
				'lang' => '',
			),
			$atts,
			'footfall_page_views'
		);
		$path = self::post_path( absint( $atts['id'] ) );
		if ( '' === $path ) {
			/* translators: %s: the post id written in the shortcode. */
			return self::problem( sprintf( __( 'footfall: there is no post %s.', 'footfall' ), (string) $atts['id'] ) );
		}
		return Footfall_Markup::slot( 'page.views', $path, (string) $atts['lang'] );
	}

	/**
	 * The footfall path of post `$id`, or of the post in the loop (else the one being shown).
	 *
	 * @param int $id A post id, or 0.
	 * @return string
	 */
	private static function post_path( $id ) {
		if ( $id > 0 ) {
			return Footfall_Paths::for_post( $id );
		}
		$current = get_the_ID();
		if ( ! $current && is_singular() ) {
			$current = get_queried_object_id();
		}
		return $current ? Footfall_Paths::for_post( $current ) : '';
	}

	/**
	 * A mistake in a shortcode: shown to those who can edit it, nothing to visitors.
	 *
	 * @param string $message What is wrong.
	 * @return string
	 */
	private static function problem( $message ) {
		if ( ! current_user_can( 'edit_posts' ) ) {
			return '';
		}
		return '<span class="footfall-problem">' . esc_html( $message ) . '</span>';
	}
}
