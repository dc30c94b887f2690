<?php
/**
 * Settings → footfall: server URL, site id, import key, the per-post count and the labels'
 * language, with a check that footfall answers for this site.
 *
 * @package footfall
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The settings page, on the Settings API (its nonce and capability checks included).
 */
final class Footfall_Settings_Page {

	const SLUG = 'footfall';

	/**
	 * Hooks into the admin.
	 */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ) );
		add_action( 'admin_init', array( __CLASS__, 'settings' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( FOOTFALL_PLUGIN_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/**
	 * Adds Settings → footfall.
	 */
	public static function menu() {
		add_options_page( __( 'footfall settings', 'footfall' ), 'footfall', 'manage_options', self::SLUG, array( __CLASS__, 'render' ) );
	}

	/**
	 * A "Settings" link on the Plugins screen.
	 *
	 * @param string[] $links The plugin's links.
	 * @return string[]
	 */
	public static function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( admin_url( 'options-general.php?page=' . self::SLUG ) ) . '">' . esc_html__( 'Settings', 'footfall' ) . '</a>' );
		return $links;
	}

	/**
	 * Registers the options and their fields.
	 */
	public static function settings() {
		register_setting(
			self::SLUG,
			Footfall_Options::OPTION,
			array(
				'type'              => 'object',
				'sanitize_callback' => array( 'Footfall_Options', 'sanitize' ),
				'default'           => array(),
			)
		);
		register_setting(
			self::SLUG,
			Footfall_Options::KEY_OPTION,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( 'Footfall_Options', 'sanitize_key_option' ),
				'default'           => '',
			)
		);
		add_settings_section( 'footfall_server', __( 'Your footfall server', 'footfall' ), array( __CLASS__, 'server_section' ), self::SLUG );
		add_settings_field( 'footfall_server_url', __( 'Server URL', 'footfall' ), array( __CLASS__, 'server_url_field' ), self::SLUG, 'footfall_server', array( 'label_for' => 'footfall_server_url' ) );
		add_settings_field( 'footfall_site_id', __( 'Site id', 'footfall' ), array( __CLASS__, 'site_id_field' ), self::SLUG, 'footfall_server', array( 'label_for' => 'footfall_site_id' ) );
		add_settings_field( 'footfall_import_key', __( 'Import key', 'footfall' ), array( __CLASS__, 'import_key_field' ), self::SLUG, 'footfall_server', array( 'label_for' => 'footfall_import_key' ) );
		add_settings_section( 'footfall_display', __( 'On your pages', 'footfall' ), '__return_false', self::SLUG );
		add_settings_field( 'footfall_show_post_views', __( 'View count on posts', 'footfall' ), array( __CLASS__, 'show_post_views_field' ), self::SLUG, 'footfall_display', array( 'label_for' => 'footfall_show_post_views' ) );
		add_settings_field( 'footfall_lang', __( 'Language of the labels', 'footfall' ), array( __CLASS__, 'lang_field' ), self::SLUG, 'footfall_display', array( 'label_for' => 'footfall_lang' ) );
	}

	/**
	 * What the server section is for.
	 */
	public static function server_section() {
		echo '<p>' . esc_html__( 'footfall counts the views of every page and shows the figures live. Your footfall operator gives you the server URL, the site id and, for importing an old counter\'s figures, an import key.', 'footfall' ) . '</p>';
		/* translators: %s: this site's origin, e.g. https://example.com */
		echo '<p>' . esc_html( sprintf( __( 'footfall counts only pages on the origins listed for the site: make sure %s is one of them.', 'footfall' ), self::origin() ) ) . '</p>';
	}

	/**
	 * The server URL field.
	 */
	public static function server_url_field() {
		printf(
			'<input type="url" id="footfall_server_url" name="%s[server_url]" value="%s" class="regular-text" placeholder="https://stats.example.com"><p class="description">%s</p>',
			esc_attr( Footfall_Options::OPTION ),
			esc_attr( Footfall_Options::get( 'server_url' ) ),
			esc_html__( 'The address footfall is served at; the snippet is loaded from <server>/footfall.js.', 'footfall' )
		);
	}

	/**
	 * The site id field.
	 */
	public static function site_id_field() {
		printf(
			'<input type="text" id="footfall_site_id" name="%s[site_id]" value="%s" class="regular-text" pattern="[a-z0-9][a-z0-9\-]{0,62}" placeholder="long-huu"><p class="description">%s</p>',
			esc_attr( Footfall_Options::OPTION ),
			esc_attr( Footfall_Options::get( 'site_id' ) ),
			esc_html__( 'Lowercase letters, digits and hyphens, as the site is named in footfall.', 'footfall' )
		);
	}

	/**
	 * The import key field: never filled in, the saved key shown by its last characters only.
	 */
	public static function import_key_field() {
		$masked = Footfall_Options::masked_import_key();
		printf(
			'<input type="password" id="footfall_import_key" name="%s" value="" class="regular-text" autocomplete="off" placeholder="%s">',
			esc_attr( Footfall_Options::KEY_OPTION ),
			esc_attr( '' === $masked ? __( 'Not set', 'footfall' ) : $masked )
		);
		if ( '' !== $masked ) {
			/* translators: %s: the key's last characters after bullets. */
			echo '<p class="description footfall-key-saved">' . esc_html( sprintf( __( 'A key is saved (%s). Leave the field empty to keep it.', 'footfall' ), $masked ) ) . '</p>';
			echo '<p><label><input type="checkbox" name="footfall_forget_import_key" value="1"> ' . esc_html__( 'Forget the saved key', 'footfall' ) . '</label></p>';
		}
		echo '<p class="description">' . esc_html__( 'Only needed for Tools → footfall import. An import key can add history and set page views of this site only.', 'footfall' ) . '</p>';
	}

	/**
	 * The "show the view count on each post" checkbox.
	 */
	public static function show_post_views_field() {
		printf(
			'<label><input type="checkbox" id="footfall_show_post_views" name="%s[show_post_views]" value="1" %s> %s</label>',
			esc_attr( Footfall_Options::OPTION ),
			checked( Footfall_Options::get( 'show_post_views' ), true, false ),
			esc_html__( 'Show "Views: N" (Lượt xem: N) under each post', 'footfall' )
		);
	}

	/**
	 * The labels' language.
	 */
	public static function lang_field() {
		$choices = array(
			'auto' => __( "The site's language", 'footfall' ),
			'vi'   => 'Tiếng Việt',
			'en'   => 'English',
		);
		printf( '<select id="footfall_lang" name="%s[lang]">', esc_attr( Footfall_Options::OPTION ) );
		foreach ( $choices as $value => $label ) {
			printf( '<option value="%s" %s>%s</option>', esc_attr( $value ), selected( Footfall_Options::get( 'lang' ), $value, false ), esc_html( $label ) );
		}
		echo '</select><p class="description">' . esc_html__( 'For the widget, the figures and the line under posts; a widget or shortcode may choose its own.', 'footfall' ) . '</p>';
	}

	/**
	 * The page.
	 */
	public static function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'footfall settings', 'footfall' ); ?></h1>
			<?php self::render_connection(); ?>
			<form action="options.php" method="post">
				<?php
				settings_fields( self::SLUG );
				do_settings_sections( self::SLUG );
				submit_button();
				?>
			</form>
			<h2><?php esc_html_e( 'Showing the figures', 'footfall' ); ?></h2>
			<p><?php esc_html_e( 'Add the "footfall visitor counter" widget to a sidebar or footer (Appearance → Widgets), or use the shortcodes:', 'footfall' ); ?></p>
			<ul>
				<li><code>[footfall_widget rows="online,today,yesterday,week,month,year,total" lang="vi"]</code></li>
				<li><code>[footfall metric="today.views"]</code> — <?php echo esc_html( implode( ', ', Footfall_Markup::METRICS ) ); ?></li>
				<li><code>[footfall_page_views]</code>, <code>[footfall_page_views id="45"]</code></li>
			</ul>
		</div>
		<?php
	}

	/**
	 * Whether footfall answers for the configured site.
	 */
	private static function render_connection() {
		if ( ! Footfall_Options::is_configured() ) {
			echo '<div class="notice notice-info inline"><p>' . esc_html__( 'Enter your footfall server URL and site id to start counting.', 'footfall' ) . '</p></div>';
			return;
		}
		$counts = Footfall_Api::counts();
		if ( is_wp_error( $counts ) ) {
			echo '<div class="notice notice-error inline footfall-connection"><p>' . esc_html( Footfall_Api::describe_error( $counts ) ) . '</p></div>';
			return;
		}
		$total = isset( $counts['total']['views'] ) ? (int) $counts['total']['views'] : 0;
		$today = isset( $counts['today']['views'] ) ? (int) $counts['today']['views'] : 0;
		/* translators: 1: site id, 2: views today, 3: all-time views. */
		$message = sprintf( __( 'footfall answers for %1$s: %2$s views today, %3$s all-time.', 'footfall' ), Footfall_Options::get( 'site_id' ), number_format_i18n( $today ), number_format_i18n( $total ) );
		echo '<div class="notice notice-success inline footfall-connection"><p>' . esc_html( $message ) . '</p></div>';
	}

	/**
	 * This site's origin, as footfall's site settings list it.
	 *
	 * @return string
	 */
	private static function origin() {
		$parts = wp_parse_url( home_url() );
		return $parts['scheme'] . '://' . $parts['host'] . ( isset( $parts['port'] ) ? ':' . $parts['port'] : '' );
	}
}
