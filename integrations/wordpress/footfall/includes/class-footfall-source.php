<?php
/**
 * An old counter plugin whose tables footfall can import: what it holds per day and per page.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * A counter plugin's tables in this WordPress database, read-only.
 */
abstract class Footfall_Source {

	/**
	 * Short id used in forms, e.g. `wp-statistics`.
	 *
	 * @return string
	 */
	abstract public function id();

	/**
	 * The plugin's name as its users know it.
	 *
	 * @return string
	 */
	abstract public function label();

	/**
	 * True when at least one of its tables is here.
	 *
	 * @return bool
	 */
	abstract public function is_available();

	/**
	 * Views (and visitors where it knows them) per local day, oldest first.
	 *
	 * @return array<string, array{views: int, visitors: int|null}> keyed by `YYYY-MM-DD`.
	 */
	abstract public function days();

	/**
	 * The plugin's all-time views per page, as rows: `post` (a post id, its views go to the
	 * post's permalink path) or else `uri` (relative to the home URL); a row with neither
	 * belongs to no page (a search, a feed) and is counted as left out.
	 *
	 * @return array<int, array{post: int, uri: string|null, views: int}>
	 */
	abstract protected function page_rows();

	/**
	 * All-time views per footfall path, sorted by path, and how many of the plugin's entries
	 * had no published page to go to.
	 *
	 * @return array{pages: array<string, int>, skipped: int}
	 */
	public function pages() {
		$pages   = array();
		$skipped = 0;
		foreach ( $this->page_rows() as $row ) {
			$path = '';
			if ( $row['post'] > 0 ) {
				$path = self::published_post_path( $row['post'] );
			} elseif ( null !== $row['uri'] ) {
				$path = Footfall_Paths::for_home_uri( $row['uri'] );
			}
			if ( '' === $path ) {
				++$skipped;
				continue;
			}
			$pages[ $path ] = ( isset( $pages[ $path ] ) ? $pages[ $path ] : 0 ) + $row['views'];
		}
		ksort( $pages, SORT_STRING );
		return array(
			'pages'   => $pages,
			'skipped' => $skipped,
		);
	}

	/**
	 * Things the administrator should know about this source's figures.
	 *
	 * @param array $days  What {@see days()} returned.
	 * @param array $pages What {@see pages()} returned.
	 * @return string[]
	 */
	public function notes( array $days, array $pages ) {
		return array();
	}

	/**
	 * The prefixed name of one of the plugin's tables.
	 *
	 * @param string $name Unprefixed, e.g. `statistics_visit`.
	 * @return string
	 */
	protected function table( $name ) {
		global $wpdb;
		return $wpdb->prefix . $name;
	}

	/**
	 * Whether a table exists.
	 *
	 * @param string $name Unprefixed name.
	 * @return bool
	 */
	protected function has_table( $name ) {
		global $wpdb;
		$table = $this->table( $name );
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery -- reading another plugin's table once.
		return $table === $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $table ) ) );
	}

	/**
	 * Whether a table has a column (these plugins changed their schemas between versions).
	 *
	 * @param string $name   Unprefixed table name.
	 * @param string $column Column name.
	 * @return bool
	 */
	protected function has_column( $name, $column ) {
		global $wpdb;
		// The table name is the prefix plus a constant; SHOW COLUMNS takes no placeholder for it.
		// phpcs:ignore WordPress.DB.DirectDatabaseQuery, WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return null !== $wpdb->get_var( $wpdb->prepare( "SHOW COLUMNS FROM `{$this->table( $name )}` LIKE %s", $column ) );
	}

	/**
	 * The path a post lives at now, or '' when it is gone or not published.
	 *
	 * @param int $post_id The post.
	 * @return string
	 */
	private static function published_post_path( $post_id ) {
		$post = get_post( (int) $post_id );
		if ( ! $post || 'publish' !== get_post_status( $post ) ) {
			return '';
		}
		return Footfall_Paths::for_post( $post );
	}

	/**
	 * Whether a string is a real date `YYYY-MM-DD`.
	 *
	 * @param string $date The value.
	 * @return bool
	 */
	protected static function is_date( $date ) {
		return (bool) preg_match( '/^(\d{4})-(\d{2})-(\d{2})$/', (string) $date, $m ) && checkdate( (int) $m[2], (int) $m[3], (int) $m[1] );
	}
}
