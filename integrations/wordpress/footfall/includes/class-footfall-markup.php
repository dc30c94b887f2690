<?php
/**
 * The elements footfall's snippet fills: the widget box and single-figure slots. Everything
 * here returns escaped HTML.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Builds `<div data-footfall-widget>` and `<span data-footfall>` elements.
 */
final class Footfall_Markup {

	/** Rows the widget can show, in the order the settings list them. */
	const ROWS = array( 'online', 'today', 'yesterday', 'week', 'month', 'year', 'total' );

	/** The widget's rows when none are chosen: footfall's own default box. */
	const DEFAULT_ROWS = array( 'online', 'today', 'week', 'total' );

	/** Figures a `data-footfall` slot can show. */
	const METRICS = array(
		'online',
		'today.views',
		'today.visitors',
		'yesterday.views',
		'yesterday.visitors',
		'week.views',
		'week.visitors',
		'month.views',
		'month.visitors',
		'year.views',
		'year.visitors',
		'total.views',
		'total.visitors',
		'page.views',
	);

	const WIDGET_METRICS = array( 'views', 'visitors' );

	const THEMES = array( 'light', 'dark', 'auto' );

	/**
	 * The rows named in `$rows` (a comma-separated string or a list), known ones only, each
	 * once, in the order given; the default rows when none is left.
	 *
	 * @param string|string[] $rows What a shortcode or the widget settings name.
	 * @return string[]
	 */
	public static function parse_rows( $rows ) {
		$names = is_array( $rows ) ? $rows : explode( ',', (string) $rows );
		$names = array_map(
			static function ( $name ) {
				return strtolower( trim( (string) $name ) );
			},
			$names
		);
		$kept  = array_values( array_unique( array_intersect( $names, self::ROWS ) ) );
		return array() === $kept ? self::DEFAULT_ROWS : $kept;
	}

	/**
	 * The widget box.
	 *
	 * @param array $args rows (string|string[]), lang (vi, en; auto or '' for the setting), metric, theme.
	 * @return string
	 */
	public static function widget( array $args ) {
		$rows   = self::parse_rows( isset( $args['rows'] ) ? $args['rows'] : '' );
		$lang   = Footfall_Options::label_language( isset( $args['lang'] ) ? (string) $args['lang'] : '' );
		$metric = isset( $args['metric'] ) && in_array( $args['metric'], self::WIDGET_METRICS, true ) ? $args['metric'] : 'views';
		$theme  = isset( $args['theme'] ) && in_array( $args['theme'], self::THEMES, true ) ? $args['theme'] : 'light';
		return sprintf(
			'<div data-footfall-widget data-lang="%s" data-rows="%s" data-metric="%s" data-theme="%s"></div>',
			esc_attr( $lang ),
			esc_attr( implode( ',', $rows ) ),
			esc_attr( $metric ),
			esc_attr( $theme )
		);
	}

	/**
	 * One live figure.
	 *
	 * @param string $metric One of {@see METRICS}.
	 * @param string $path   For `page.views`: the page's footfall path.
	 * @param string $lang   vi or en; auto or '' for the setting.
	 * @return string '' when the metric is not one of {@see METRICS}.
	 */
	public static function slot( $metric, $path = '', $lang = '' ) {
		if ( ! in_array( $metric, self::METRICS, true ) ) {
			return '';
		}
		$path_attr = ( 'page.views' === $metric && '' !== $path ) ? sprintf( ' data-path="%s"', esc_attr( $path ) ) : '';
		return sprintf(
			'<span data-footfall="%s"%s data-lang="%s"></span>',
			esc_attr( $metric ),
			$path_attr,
			esc_attr( Footfall_Options::label_language( $lang ) )
		);
	}

	/**
	 * The line under a post: `Lượt xem: N` or `Views: N`.
	 *
	 * @param int|WP_Post $post The post.
	 * @param string      $lang vi or en; auto or '' for the setting.
	 * @return string
	 */
	public static function post_views_line( $post, $lang = '' ) {
		$path = Footfall_Paths::for_post( $post );
		if ( '' === $path ) {
			return '';
		}
		$lang  = Footfall_Options::label_language( $lang );
		$label = 'vi' === $lang ? 'Lượt xem' : 'Views';
		return sprintf(
			'<p class="footfall-post-views">%s: %s</p>',
			esc_html( $label ),
			self::slot( 'page.views', $path, $lang )
		);
	}
}
