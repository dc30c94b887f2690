<?php
/**
 * Tools → footfall import: preview (footfall's dry run) an old counter plugin's figures, then
 * apply them with one click.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The import screen.
 */
final class Footfall_Import_Page {

	const SLUG = 'footfall-import';

	const NONCE = 'footfall_import';

	/** Rows of a change list shown on the page; the rest are counted. */
	const SHOWN_CHANGES = 50;

	/**
	 * The outcome of this request's preview or apply, shown by {@see render()}.
	 *
	 * @var array|null
	 */
	private static $result = null;

	/**
	 * Hooks into the admin.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
	}

	/**
	 * Adds Tools → footfall import; its form is handled before the page is printed.
	 */
	public static function menu() {
		$hook = add_management_page( __( 'footfall import', 'footfall' ), __( 'footfall import', 'footfall' ), 'manage_options', self::SLUG, array( __CLASS__, 'render' ) );
		if ( $hook ) {
			add_action( 'load-' . $hook, array( __CLASS__, 'handle' ) );
		}
	}

	/**
	 * Runs a submitted preview or apply (nonce and capability checked).
	 */
	public static function handle() {
		if ( ! isset( $_SERVER['REQUEST_METHOD'] ) || 'POST' !== $_SERVER['REQUEST_METHOD'] || ! isset( $_POST['footfall_step'] ) ) {
			return;
		}
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You are not allowed to import figures.', 'footfall' ), 403 );
		}
		check_admin_referer( self::NONCE );
		$step   = sanitize_key( wp_unslash( $_POST['footfall_step'] ) );
		$source = isset( $_POST['footfall_source'] ) ? sanitize_key( wp_unslash( $_POST['footfall_source'] ) ) : '';
		$parts  = isset( $_POST['footfall_parts'] ) && is_array( $_POST['footfall_parts'] ) ? array_map( 'sanitize_key', wp_unslash( $_POST['footfall_parts'] ) ) : array();
		$hash   = isset( $_POST['footfall_hash'] ) ? sanitize_text_field( wp_unslash( $_POST['footfall_hash'] ) ) : '';
		// Importing years of days is one request each way; give it time.
		if ( function_exists( 'set_time_limit' ) ) {
			set_time_limit( 120 );
		}
		self::$result = Footfall_Import::run( $source, $parts, 'apply' !== $step, $hash );
	}

	/**
	 * The page.
	 */
	public static function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$settings_url = admin_url( 'options-general.php?page=' . Footfall_Settings_Page::SLUG );
		$sources      = Footfall_Import::sources();
		$chosen       = self::$result ? self::$result['source'] : '';
		$parts        = self::$result ? array_keys( self::$result['parts'] ) : Footfall_Import::PARTS;
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'footfall import', 'footfall' ); ?></h1>
			<p><?php esc_html_e( "Bring an old counter plugin's figures into footfall: its days become footfall's history (and add to the all-time figures), and each post's all-time views become that page's starting count. footfall sets these figures rather than adding them, so importing again changes nothing. You see a preview first; nothing changes until you apply it.", 'footfall' ); ?></p>
			<?php if ( ! Footfall_Options::is_configured() || '' === Footfall_Options::import_key() ) : ?>
				<div class="notice notice-warning inline"><p>
					<?php esc_html_e( 'Importing needs the server URL, the site id and an import key.', 'footfall' ); ?>
					<a href="<?php echo esc_url( $settings_url ); ?>"><?php esc_html_e( 'Open Settings → footfall', 'footfall' ); ?></a>
				</p></div>
			<?php endif; ?>

			<form method="post" action="">
				<?php wp_nonce_field( self::NONCE ); ?>
				<input type="hidden" name="footfall_step" value="preview">
				<h2><?php esc_html_e( 'From', 'footfall' ); ?></h2>
				<?php foreach ( $sources as $source ) : ?>
					<?php $available = $source->is_available(); ?>
					<p><label>
						<input type="radio" name="footfall_source" value="<?php echo esc_attr( $source->id() ); ?>" <?php checked( $chosen === $source->id() || ( '' === $chosen && $available ) ); ?> <?php disabled( ! $available ); ?>>
						<strong><?php echo esc_html( $source->label() ); ?></strong> —
						<?php echo esc_html( $available ? self::describe_source( $source ) : __( 'no tables found', 'footfall' ) ); ?>
					</label></p>
				<?php endforeach; ?>
				<h2><?php esc_html_e( 'What', 'footfall' ); ?></h2>
				<p><label><input type="checkbox" name="footfall_parts[]" value="history" <?php checked( in_array( 'history', $parts, true ) ); ?>> <?php esc_html_e( 'Daily history (views and visitors per day)', 'footfall' ); ?></label></p>
				<p><label><input type="checkbox" name="footfall_parts[]" value="pages" <?php checked( in_array( 'pages', $parts, true ) ); ?>> <?php esc_html_e( "Each page's all-time views", 'footfall' ); ?></label></p>
				<?php submit_button( __( 'Preview the import', 'footfall' ), 'secondary', 'footfall_preview' ); ?>
			</form>
			<?php
			if ( self::$result ) {
				self::render_result( self::$result );
			}
			?>
		</div>
		<?php
	}

	/**
	 * What a source holds, in one line.
	 *
	 * @param Footfall_Source $source The source.
	 * @return string
	 */
	private static function describe_source( Footfall_Source $source ) {
		$days  = $source->days();
		$pages = $source->pages();
		if ( array() === $days ) {
			/* translators: %s: number of pages. */
			return sprintf( _n( 'no days, %s page', 'no days, %s pages', count( $pages['pages'] ), 'footfall' ), number_format_i18n( count( $pages['pages'] ) ) );
		}
		$dates = array_keys( $days );
		return sprintf(
			/* translators: 1: number of days, 2: first date, 3: last date, 4: number of pages. */
			__( '%1$s days from %2$s to %3$s, %4$s pages', 'footfall' ),
			number_format_i18n( count( $days ) ),
			reset( $dates ),
			end( $dates ),
			number_format_i18n( count( $pages['pages'] ) )
		);
	}

	/**
	 * The preview or the applied import.
	 *
	 * @param array $result From {@see Footfall_Import::run()}.
	 */
	private static function render_result( array $result ) {
		echo '<div id="footfall-import-result">';
		if ( $result['dryRun'] ) {
			/* translators: %s: the old plugin's name. */
			echo '<h2>' . esc_html( sprintf( __( 'Preview of the import from %s — nothing has changed yet', 'footfall' ), $result['label'] ) ) . '</h2>';
		} else {
			/* translators: %s: the old plugin's name. */
			echo '<h2>' . esc_html( sprintf( __( 'Import from %s', 'footfall' ), $result['label'] ) ) . '</h2>';
		}
		if ( null !== $result['error'] ) {
			echo '<div class="notice notice-error inline footfall-error"><p>' . esc_html( $result['error']['text'] ) . '</p></div></div>';
			return;
		}
		foreach ( $result['notes'] as $note ) {
			echo '<div class="notice notice-info inline"><p>' . esc_html( $note ) . '</p></div>';
		}
		$failed = false;
		foreach ( $result['parts'] as $part => $outcome ) {
			echo '<div class="footfall-part footfall-part-' . esc_attr( $part ) . '">';
			if ( null !== $outcome['error'] ) {
				$failed = true;
				echo '<div class="notice notice-error inline footfall-error"><p>' . esc_html( $outcome['error']['text'] ) . '</p></div>';
			} elseif ( 'history' === $part ) {
				self::render_history( $outcome, $result );
			} else {
				self::render_pages( $outcome, $result );
			}
			echo '</div>';
		}
		if ( $result['dryRun'] && ! $failed && self::has_changes( $result ) ) {
			?>
			<form method="post" action="">
				<?php wp_nonce_field( self::NONCE ); ?>
				<input type="hidden" name="footfall_step" value="apply">
				<input type="hidden" name="footfall_source" value="<?php echo esc_attr( $result['source'] ); ?>">
				<input type="hidden" name="footfall_hash" value="<?php echo esc_attr( $result['hash'] ); ?>">
				<?php foreach ( array_keys( $result['parts'] ) as $part ) : ?>
					<input type="hidden" name="footfall_parts[]" value="<?php echo esc_attr( $part ); ?>">
				<?php endforeach; ?>
				<?php submit_button( __( 'Apply this import', 'footfall' ), 'primary', 'footfall_apply' ); ?>
			</form>
			<?php
		} elseif ( $result['dryRun'] && ! $failed ) {
			echo '<p class="footfall-nothing">' . esc_html__( 'footfall already has these figures: there is nothing to apply.', 'footfall' ) . '</p>';
		}
		echo '</div>';
	}

	/**
	 * The history part: days read, what changes, what all-time moves by.
	 *
	 * @param array $outcome The part's outcome.
	 * @param array $result  The whole result.
	 */
	private static function render_history( array $outcome, array $result ) {
		echo '<h3>' . esc_html__( 'Daily history', 'footfall' ) . '</h3>';
		if ( $outcome['leftOut'] > 0 ) {
			/* translators: 1: number of days, 2: footfall's today. */
			echo '<p>' . esc_html( sprintf( _n( '%1$s day from %2$s on was left out: footfall counts today itself.', '%1$s days from %2$s on were left out: footfall counts today itself.', $outcome['leftOut'], 'footfall' ), number_format_i18n( $outcome['leftOut'] ), $result['today'] ) ) . '</p>';
		}
		$answer = $outcome['answer'];
		if ( null === $answer ) {
			echo '<p class="footfall-summary">' . esc_html__( 'There are no past days to import.', 'footfall' ) . '</p>';
			return;
		}
		$changes = isset( $answer['changes'] ) && is_array( $answer['changes'] ) ? $answer['changes'] : array();
		$total   = isset( $answer['total'] ) && is_array( $answer['total'] ) ? $answer['total'] : array();
		$message = sprintf(
			/* translators: 1: days sent, 2: days that change, 3: days already as in footfall, 4: change of all-time views, 5: change of all-time visitors. */
			$result['dryRun'] ? __( '%1$s days read: %2$s would change, %3$s are already as in footfall. All-time views would move by %4$s, visitors by %5$s.', 'footfall' ) : __( '%1$s days read: %2$s changed, %3$s were already as in footfall. All-time views moved by %4$s, visitors by %5$s.', 'footfall' ),
			number_format_i18n( isset( $answer['rows'] ) ? (int) $answer['rows'] : $outcome['rows'] ),
			number_format_i18n( count( $changes ) ),
			number_format_i18n( isset( $answer['unchanged'] ) ? (int) $answer['unchanged'] : 0 ),
			self::signed( isset( $total['views'] ) ? (int) $total['views'] : 0 ),
			self::signed( isset( $total['visitors'] ) ? (int) $total['visitors'] : 0 )
		);
		echo '<p class="footfall-summary">' . esc_html( $message ) . '</p>';
		$overlapping = isset( $answer['overlapping'] ) && is_array( $answer['overlapping'] ) ? $answer['overlapping'] : array();
		if ( array() !== $overlapping ) {
			/* translators: 1: number of days, 2: some of the dates. */
			echo '<div class="notice notice-warning inline"><p>' . esc_html( sprintf( __( 'footfall already counted views itself on %1$s of these days (%2$s): the imported figures add to those. If both counters ran on those days, import only the days before footfall started.', 'footfall' ), number_format_i18n( count( $overlapping ) ), implode( ', ', array_slice( array_map( 'strval', $overlapping ), 0, 10 ) ) ) ) . '</p></div>';
		}
		if ( array() === $changes ) {
			return;
		}
		echo '<table class="widefat striped footfall-changes"><thead><tr><th>' . esc_html__( 'Day', 'footfall' ) . '</th><th>' . esc_html__( 'Views', 'footfall' ) . '</th><th>' . esc_html__( 'Visitors', 'footfall' ) . '</th></tr></thead><tbody>';
		foreach ( array_slice( $changes, 0, self::SHOWN_CHANGES ) as $change ) {
			printf(
				'<tr><td>%s</td><td>%s → %s</td><td>%s → %s</td></tr>',
				esc_html( isset( $change['date'] ) ? (string) $change['date'] : '' ),
				esc_html( number_format_i18n( self::figure( $change, 'before', 'views' ) ) ),
				esc_html( number_format_i18n( self::figure( $change, 'after', 'views' ) ) ),
				esc_html( number_format_i18n( self::figure( $change, 'before', 'visitors' ) ) ),
				esc_html( number_format_i18n( self::figure( $change, 'after', 'visitors' ) ) )
			);
		}
		echo '</tbody></table>';
		self::render_more( count( $changes ) );
	}

	/**
	 * The pages part: pages read and each page's starting count before → after.
	 *
	 * @param array $outcome The part's outcome.
	 * @param array $result  The whole result.
	 */
	private static function render_pages( array $outcome, array $result ) {
		echo '<h3>' . esc_html__( "Pages' all-time views", 'footfall' ) . '</h3>';
		if ( $outcome['skipped'] > 0 ) {
			/* translators: %s: number of entries. */
			echo '<p>' . esc_html( sprintf( _n( '%s entry of the old counter belongs to no published post or page (or to searches, feeds and errors) and was left out.', '%s entries of the old counter belong to no published post or page (or to searches, feeds and errors) and were left out.', $outcome['skipped'], 'footfall' ), number_format_i18n( $outcome['skipped'] ) ) ) . '</p>';
		}
		$answer = $outcome['answer'];
		if ( null === $answer ) {
			echo '<p class="footfall-summary">' . esc_html__( 'There are no page views to import.', 'footfall' ) . '</p>';
			return;
		}
		$changes = isset( $answer['changes'] ) && is_array( $answer['changes'] ) ? $answer['changes'] : array();
		$message = sprintf(
			/* translators: 1: pages sent, 2: pages that change, 3: pages already as in footfall. */
			$result['dryRun'] ? __( '%1$s pages read: %2$s would change, %3$s are already as in footfall.', 'footfall' ) : __( '%1$s pages read: %2$s changed, %3$s were already as in footfall.', 'footfall' ),
			number_format_i18n( isset( $answer['rows'] ) ? (int) $answer['rows'] : $outcome['rows'] ),
			number_format_i18n( count( $changes ) ),
			number_format_i18n( isset( $answer['unchanged'] ) ? (int) $answer['unchanged'] : 0 )
		);
		echo '<p class="footfall-summary">' . esc_html( $message ) . '</p>';
		if ( array() === $changes ) {
			return;
		}
		echo '<table class="widefat striped footfall-changes"><thead><tr><th>' . esc_html__( 'Page', 'footfall' ) . '</th><th>' . esc_html__( 'Starting count', 'footfall' ) . '</th></tr></thead><tbody>';
		foreach ( array_slice( $changes, 0, self::SHOWN_CHANGES ) as $change ) {
			printf(
				'<tr><td><code>%s</code></td><td>%s → %s</td></tr>',
				esc_html( isset( $change['path'] ) ? (string) $change['path'] : '' ),
				esc_html( number_format_i18n( self::figure( $change, 'before', 'views' ) ) ),
				esc_html( number_format_i18n( self::figure( $change, 'after', 'views' ) ) )
			);
		}
		echo '</tbody></table>';
		self::render_more( count( $changes ) );
	}

	/**
	 * "and N more" under a cut list.
	 *
	 * @param int $count All changes.
	 */
	private static function render_more( $count ) {
		if ( $count > self::SHOWN_CHANGES ) {
			/* translators: %s: number of changes not shown. */
			echo '<p>' . esc_html( sprintf( __( '… and %s more.', 'footfall' ), number_format_i18n( $count - self::SHOWN_CHANGES ) ) ) . '</p>';
		}
	}

	/**
	 * A figure of a change: `before.views`, or `before` itself when footfall gives a number.
	 *
	 * @param array  $change One change.
	 * @param string $side   `before` or `after`.
	 * @param string $kind   `views` or `visitors`.
	 * @return int
	 */
	private static function figure( array $change, $side, $kind ) {
		if ( ! isset( $change[ $side ] ) ) {
			return 0;
		}
		if ( is_array( $change[ $side ] ) ) {
			return isset( $change[ $side ][ $kind ] ) ? (int) $change[ $side ][ $kind ] : 0;
		}
		return 'views' === $kind ? (int) $change[ $side ] : 0;
	}

	/**
	 * Whether applying would change anything.
	 *
	 * @param array $result A dry run's result.
	 * @return bool
	 */
	private static function has_changes( array $result ) {
		foreach ( $result['parts'] as $outcome ) {
			if ( isset( $outcome['answer']['changes'] ) && is_array( $outcome['answer']['changes'] ) && array() !== $outcome['answer']['changes'] ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A change with its sign: +1,234 or −5.
	 *
	 * @param int $value The change.
	 * @return string
	 */
	private static function signed( $value ) {
		return ( $value >= 0 ? '+' : '−' ) . number_format_i18n( abs( $value ) );
	}
}
