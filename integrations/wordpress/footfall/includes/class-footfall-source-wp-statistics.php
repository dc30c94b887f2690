<?php
/**
 * WP Statistics' tables. Per day, by version:
 * - `statistics_visit` (up to 14.14): `last_counter` (date) and `visit` (page views);
 * - `statistics_summary_totals` (14.16 on): `date`, `views`, `visitors`;
 * - `statistics_visitor`: one row per visitor per day (`last_counter`), with its `hits`.
 * Per page: `statistics_pages`, one row per page per day: `uri` (relative to the home URL),
 * `type` (`post`, `page`, `home`, `category`, …), `id` (the post id), `date`, `count`.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Reads WP Statistics' figures.
 */
final class Footfall_Source_WP_Statistics extends Footfall_Source {

	/** Page types that are not a page a visitor can come back to. */
	const SKIPPED_TYPES = array( 'search', '404', 'feed', 'loginpage', 'unknown' );

	/**
	 * The source's id.
	 *
	 * @return string
	 */
	public function id() {
		return 'wp-statistics';
	}

	/**
	 * The plugin's name.
	 *
	 * @return string
	 */
	public function label() {
		return 'WP Statistics';
	}

	/**
	 * Whether any of its tables is here.
	 *
	 * @return bool
	 */
	public function is_available() {
		return $this->has_table( 'statistics_visit' ) || $this->has_table( 'statistics_summary_totals' ) || $this->has_table( 'statistics_pages' );
	}

	/**
	 * Views and visitors per day. The most direct figure wins: summary totals, then the visit
	 * table, then the sum of the visitors' hits.
	 *
	 * @return array<string, array{views: int, visitors: int|null}>
	 */
	public function days() {
		global $wpdb;
		$days = array();
		// Table names are the prefix plus constants; these queries take no user input.
		// phpcs:disable WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		if ( $this->has_table( 'statistics_visitor' ) ) {
			$hits = $this->has_column( 'statistics_visitor', 'hits' ) ? 'SUM(`hits`)' : '0';
			$rows = $wpdb->get_results( "SELECT `last_counter` AS day, COUNT(*) AS visitors, {$hits} AS views FROM `{$this->table( 'statistics_visitor' )}` GROUP BY `last_counter`", ARRAY_A );
			foreach ( (array) $rows as $row ) {
				$days[ (string) $row['day'] ] = array(
					'views'    => (int) $row['views'],
					'visitors' => (int) $row['visitors'],
				);
			}
		}
		if ( $this->has_table( 'statistics_visit' ) ) {
			// Releases without the unique key on the date could hold a day twice.
			$rows = $wpdb->get_results( "SELECT `last_counter` AS day, SUM(`visit`) AS views FROM `{$this->table( 'statistics_visit' )}` GROUP BY `last_counter`", ARRAY_A );
			foreach ( (array) $rows as $row ) {
				$day          = (string) $row['day'];
				$days[ $day ] = array(
					'views'    => (int) $row['views'],
					'visitors' => isset( $days[ $day ] ) ? $days[ $day ]['visitors'] : null,
				);
			}
		}
		if ( $this->has_table( 'statistics_summary_totals' ) ) {
			$rows = $wpdb->get_results( "SELECT `date` AS day, `views`, `visitors` FROM `{$this->table( 'statistics_summary_totals' )}`", ARRAY_A );
			foreach ( (array) $rows as $row ) {
				$days[ (string) $row['day'] ] = array(
					'views'    => (int) $row['views'],
					'visitors' => (int) $row['visitors'],
				);
			}
		}
		// phpcs:enable
		$days = array_filter(
			$days,
			static function ( $day ) {
				return self::is_date( $day );
			},
			ARRAY_FILTER_USE_KEY
		);
		ksort( $days );
		return $days;
	}

	/**
	 * All-time views per page: a post's to the post, other pages' (home, categories) to their
	 * URI; searches, feeds, 404s and logins to none.
	 *
	 * @return array<int, array{post: int, uri: string|null, views: int}>
	 */
	protected function page_rows() {
		global $wpdb;
		if ( ! $this->has_table( 'statistics_pages' ) ) {
			return array();
		}
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$rows = $wpdb->get_results( "SELECT `type`, `id`, `uri`, SUM(`count`) AS views FROM `{$this->table( 'statistics_pages' )}` GROUP BY `type`, `id`, `uri`", ARRAY_A );
		$out  = array();
		foreach ( (array) $rows as $row ) {
			$type  = (string) $row['type'];
			$post  = self::is_singular_type( $type ) ? (int) $row['id'] : 0;
			$out[] = array(
				'post'  => $post,
				'uri'   => ( 0 === $post && ! in_array( $type, self::SKIPPED_TYPES, true ) ) ? (string) $row['uri'] : null,
				'views' => (int) $row['views'],
			);
		}
		return $out;
	}

	/**
	 * Whether a WP Statistics page type stands for one post (`post`, `page`, `post_type_book`…).
	 *
	 * @param string $type The stored type.
	 * @return bool
	 */
	private static function is_singular_type( $type ) {
		return in_array( $type, array( 'post', 'page', 'product', 'attachment' ), true ) || 0 === strpos( $type, 'post_type_' );
	}
}
