<?php
/**
 * Post Views Counter's table `post_views`: `id` (the post id), `type` (0 day, 1 week, 2 month,
 * 3 year, 4 all-time), `period` (`20240324`, `202413`, `202403`, `2024`, `total`) and
 * `count`. It counts views of posts only, not visitors.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Reads Post Views Counter's figures.
 */
final class Footfall_Source_Post_Views_Counter extends Footfall_Source {

	const TYPE_DAY = 0;

	const TYPE_TOTAL = 4;

	/**
	 * The source's id.
	 *
	 * @return string
	 */
	public function id() {
		return 'post-views-counter';
	}

	/**
	 * The plugin's name.
	 *
	 * @return string
	 */
	public function label() {
		return 'Post Views Counter';
	}

	/**
	 * Whether its table is here.
	 *
	 * @return bool
	 */
	public function is_available() {
		return $this->has_table( 'post_views' );
	}

	/**
	 * Views per day, all posts together (visitors unknown).
	 *
	 * @return array<string, array{views: int, visitors: int|null}>
	 */
	public function days() {
		global $wpdb;
		if ( ! $this->is_available() ) {
			return array();
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT `period`, SUM(`count`) AS views FROM `{$this->table( 'post_views' )}` WHERE `type` = %d GROUP BY `period`", self::TYPE_DAY ), ARRAY_A );
		$days = array();
		foreach ( (array) $rows as $row ) {
			if ( ! preg_match( '/^(\d{4})(\d{2})(\d{2})$/', (string) $row['period'], $m ) ) {
				continue;
			}
			$date = $m[1] . '-' . $m[2] . '-' . $m[3];
			if ( self::is_date( $date ) ) {
				$days[ $date ] = array(
					'views'    => (int) $row['views'],
					'visitors' => null,
				);
			}
		}
		ksort( $days );
		return $days;
	}

	/**
	 * Each post's all-time views (its `total` row).
	 *
	 * @return array<int, array{post: int, uri: string|null, views: int}>
	 */
	protected function page_rows() {
		global $wpdb;
		if ( ! $this->is_available() ) {
			return array();
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$rows = $wpdb->get_results( $wpdb->prepare( "SELECT `id`, SUM(`count`) AS views FROM `{$this->table( 'post_views' )}` WHERE `type` = %d GROUP BY `id`", self::TYPE_TOTAL ), ARRAY_A );
		$out  = array();
		foreach ( (array) $rows as $row ) {
			// A row of post 0 (none) belongs to no page and is left out.
			$out[] = array(
				'post'  => (int) $row['id'],
				'uri'   => null,
				'views' => (int) $row['views'],
			);
		}
		return $out;
	}

	/**
	 * Post Views Counter may have deleted old daily rows while keeping all-time totals: say
	 * how much of all-time is in no day.
	 *
	 * @param array $days  What {@see days()} returned.
	 * @param array $pages What {@see pages()} returned.
	 * @return string[]
	 */
	public function notes( array $days, array $pages ) {
		global $wpdb;
		if ( ! $this->is_available() ) {
			return array();
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$total  = (int) $wpdb->get_var( $wpdb->prepare( "SELECT COALESCE(SUM(`count`), 0) FROM `{$this->table( 'post_views' )}` WHERE `type` = %d", self::TYPE_TOTAL ) );
		$by_day = (int) array_sum( wp_list_pluck( $days, 'views' ) );
		if ( $total <= $by_day ) {
			return array();
		}
		return array(
			sprintf(
				/* translators: 1: all-time views, 2: views in daily rows, 3: the difference. */
				__( 'Post Views Counter counts %1$s views in all, but its daily rows hold only %2$s: %3$s views belong to no day (it deletes old daily rows). To keep them in the all-time figure, ask your footfall operator to add them to the site\'s baseline.', 'footfall' ),
				number_format_i18n( $total ),
				number_format_i18n( $by_day ),
				number_format_i18n( $total - $by_day )
			),
		);
	}
}
