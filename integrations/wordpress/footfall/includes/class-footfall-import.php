<?php
/**
 * Importing an old counter plugin's figures into footfall: its days as history (CSV
 * `date,views[,visitors]`) and its pages' all-time views as page baselines (CSV
 * `path,views`). footfall previews first (dry run) and sets, never adds, so applying the same
 * import twice changes nothing.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Builds the import files and sends them to footfall.
 */
final class Footfall_Import {

	/** What can be imported: daily history and per-page baselines. */
	const PARTS = array( 'history', 'pages' );

	/**
	 * The counters this plugin can read, by id.
	 *
	 * @return array<string, Footfall_Source>
	 */
	public static function sources() {
		$sources = array( new Footfall_Source_WP_Statistics(), new Footfall_Source_Post_Views_Counter() );
		$by_id   = array();
		foreach ( $sources as $source ) {
			$by_id[ $source->id() ] = $source;
		}
		return $by_id;
	}

	/**
	 * Reads `$source_id`'s tables and sends the chosen parts to footfall, as a dry run or for real.
	 *
	 * @param string   $source_id     A key of {@see sources()}.
	 * @param string[] $parts         Some of {@see PARTS}.
	 * @param bool     $dry_run       Preview only: footfall changes nothing.
	 * @param string   $expected_hash For an apply: the preview's hash; the import is refused when
	 *                                the figures changed since (then preview again).
	 * @return array{source: string, label: string, dryRun: bool, hash: string, today: string, notes: string[], error: array|null, parts: array}
	 */
	public static function run( $source_id, array $parts, $dry_run, $expected_hash = '' ) {
		$sources = self::sources();
		$source  = isset( $sources[ $source_id ] ) ? $sources[ $source_id ] : null;
		$result  = array(
			'source' => $source ? $source->id() : (string) $source_id,
			'label'  => $source ? $source->label() : (string) $source_id,
			'dryRun' => (bool) $dry_run,
			'hash'   => '',
			'today'  => '',
			'notes'  => array(),
			'error'  => null,
			'parts'  => array(),
		);
		$parts   = array_values( array_intersect( self::PARTS, $parts ) );
		if ( ! $source || ! $source->is_available() ) {
			$result['error'] = self::error( new WP_Error( 'footfall_no_source', __( 'No tables of that counter plugin were found in this WordPress database.', 'footfall' ) ) );
			return $result;
		}
		if ( array() === $parts || ! Footfall_Options::is_configured() ) {
			$result['error'] = self::error( new WP_Error( 'footfall_not_ready', __( 'Set the server URL and site id in Settings → footfall, and choose what to import.', 'footfall' ) ) );
			return $result;
		}

		// footfall takes past days only, in the site's own time zone: it tells its today.
		$counts = Footfall_Api::counts();
		if ( is_wp_error( $counts ) ) {
			$result['error'] = self::error( $counts );
			return $result;
		}
		$today           = isset( $counts['today']['date'] ) ? (string) $counts['today']['date'] : '';
		$result['today'] = $today;

		$days  = $source->days();
		$pages = $source->pages();
		$files = array(
			'history' => self::history_csv( $days, $today ),
			'pages'   => self::pages_csv( $pages['pages'] ),
		);

		$result['notes'] = $source->notes( $days, $pages['pages'] );
		$result['hash']  = hash( 'sha256', implode( "\n\0", array( Footfall_Options::get( 'server_url' ), Footfall_Options::get( 'site_id' ), implode( ',', $parts ), $files['history']['csv'], $files['pages']['csv'] ) ) );
		if ( ! $dry_run && ! hash_equals( $result['hash'], (string) $expected_hash ) ) {
			$result['error'] = self::error( new WP_Error( 'footfall_changed', __( 'The figures to import changed since the preview. Nothing was imported: preview again.', 'footfall' ) ) );
			return $result;
		}

		foreach ( $parts as $part ) {
			$file                     = $files[ $part ];
			$outcome                  = array(
				'rows'    => $file['rows'],
				'leftOut' => $file['left_out'],
				'skipped' => 'pages' === $part ? $pages['skipped'] : 0,
				'answer'  => null,
				'error'   => null,
			);
			if ( $file['rows'] > 0 ) {
				$answer = Footfall_Api::send_import( $part, $file['csv'], $dry_run );
				if ( is_wp_error( $answer ) ) {
					$outcome['error'] = self::error( $answer );
				} else {
					$outcome['answer'] = $answer;
				}
			}
			$result['parts'][ $part ] = $outcome;
		}
		return $result;
	}

	/**
	 * The history file: one row per day before footfall's today, oldest first.
	 *
	 * @param array  $days  From {@see Footfall_Source::days()}.
	 * @param string $today footfall's today for the site.
	 * @return array{csv: string, rows: int, left_out: int}
	 */
	public static function history_csv( array $days, $today ) {
		$lines    = array( 'date,views,visitors' );
		$left_out = 0;
		foreach ( $days as $date => $day ) {
			if ( '' !== $today && $date >= $today ) {
				++$left_out;
				continue;
			}
			$lines[] = null === $day['visitors'] ? $date . ',' . $day['views'] : $date . ',' . $day['views'] . ',' . $day['visitors'];
		}
		return array(
			'csv'      => implode( "\n", $lines ) . "\n",
			'rows'     => count( $lines ) - 1,
			'left_out' => $left_out,
		);
	}

	/**
	 * The pages file: `path,views`, fields quoted (RFC 4180) only where a path needs it.
	 *
	 * @param array<string, int> $pages Views per path.
	 * @return array{csv: string, rows: int, left_out: int}
	 */
	public static function pages_csv( array $pages ) {
		$lines = array( 'path,views' );
		foreach ( $pages as $path => $views ) {
			$path    = (string) $path;
			$lines[] = ( preg_match( '/[",\r\n]/', $path ) ? '"' . str_replace( '"', '""', $path ) . '"' : $path ) . ',' . (int) $views;
		}
		return array(
			'csv'      => implode( "\n", $lines ) . "\n",
			'rows'     => count( $lines ) - 1,
			'left_out' => 0,
		);
	}

	/**
	 * An error as results carry it.
	 *
	 * @param WP_Error $error The error.
	 * @return array{code: string, message: string, status: int, text: string}
	 */
	private static function error( WP_Error $error ) {
		$data = $error->get_error_data();
		return array(
			'code'    => (string) $error->get_error_code(),
			'message' => $error->get_error_message(),
			'status'  => is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 0,
			'text'    => Footfall_Api::describe_error( $error ),
		);
	}
}
