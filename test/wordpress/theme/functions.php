<?php
/**
 * A footer widget area and HTML5 markup; no emoji script (it would point the browser at
 * s.w.org, and this machine is offline).
 *
 * @package footfall-test-theme
 */

remove_action( 'wp_head', 'print_emoji_detection_script', 7 );
remove_action( 'wp_print_styles', 'print_emoji_styles' );

add_action(
	'after_setup_theme',
	static function () {
		add_theme_support( 'title-tag' );
		add_theme_support( 'html5', array( 'script', 'style' ) );
	}
);

add_action(
	'widgets_init',
	static function () {
		register_sidebar(
			array(
				'id'            => 'footer',
				'name'          => 'Footer',
				'before_widget' => '<section id="%1$s" class="widget %2$s">',
				'after_widget'  => '</section>',
			)
		);
	}
);
